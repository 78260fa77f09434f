namespace RankDistill.Durable.Client;

/// <summary>How a new instance is scheduled.</summary>
public sealed record StartOrchestrationOptions
{
    /// <summary>The instance id; a new GUID when null. Choose one to make scheduling idempotent
    /// (e.g. one pipeline per data drop).</summary>
    public string? InstanceId { get; init; }

    /// <summary>What to do when an instance with this id exists.</summary>
    public InstanceIdReusePolicy ReusePolicy { get; init; } = InstanceIdReusePolicy.AllowWhenTerminal;

    /// <summary>Do not start before this time.</summary>
    public DateTimeOffset? StartAt { get; init; }
}

/// <summary>Whether an existing instance id may be scheduled again. A Pending, Running or
/// Suspended instance is never replaced.</summary>
public enum InstanceIdReusePolicy
{
    /// <summary>Replace a Completed, Failed or Terminated instance (its history is discarded).</summary>
    AllowWhenTerminal,

    /// <summary>Replace only a Failed or Terminated instance; a Completed one is kept.</summary>
    AllowWhenFailed,

    /// <summary>Refuse whenever the id exists.</summary>
    Reject,
}

/// <summary>Applies an <see cref="InstanceIdReusePolicy"/>; shared by every backend.</summary>
public static class InstanceIdReuse
{
    public static bool Allows(InstanceIdReusePolicy policy, OrchestrationRuntimeStatus existing) => policy switch
    {
        InstanceIdReusePolicy.AllowWhenTerminal => existing.IsTerminal(),
        InstanceIdReusePolicy.AllowWhenFailed => existing is OrchestrationRuntimeStatus.Failed or OrchestrationRuntimeStatus.Terminated,
        _ => false,
    };
}
