namespace RankDistill.Durable;

/// <summary>How an activity call is routed and retried.</summary>
public sealed record TaskOptions
{
    /// <summary>The queue the activity goes to; only workers serving it run it (default: <c>default</c>).</summary>
    public string? Queue { get; init; }

    /// <summary>Retries on failure; none when null.</summary>
    public RetryPolicy? Retry { get; init; }

    /// <summary>
    /// When set, an attempt that does not call <see cref="TaskActivityContext.Heartbeat"/> within this
    /// time is cancelled and failed with a <see cref="TimeoutException"/> (and retried by policy),
    /// so a hung step does not hold its worker forever.
    /// </summary>
    public TimeSpan? HeartbeatTimeout { get; init; }

    /// <summary>The queue used when none is given.</summary>
    public const string DefaultQueue = "default";
}
