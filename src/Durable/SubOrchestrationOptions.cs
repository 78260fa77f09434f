namespace RankDistill.Durable;

/// <summary>How a sub-orchestration is started and retried.</summary>
public sealed record SubOrchestrationOptions
{
    /// <summary>The child's instance id; by default derived from the parent's id and the call's id,
    /// so a replay starts the same child.</summary>
    public string? InstanceId { get; init; }

    /// <summary>Retries the whole child on failure; none when null.</summary>
    public RetryPolicy? Retry { get; init; }
}
