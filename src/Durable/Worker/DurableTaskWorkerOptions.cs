namespace RankDistill.Durable.Worker;

/// <summary>What a worker runs and how it polls, leases and gives up.</summary>
public sealed class DurableTaskWorkerOptions
{
    /// <summary>Names this worker in locks, histories and logs; host, process and a random suffix by default.</summary>
    public string WorkerId { get; set; } = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid().ToString("N")[..6]}";

    /// <summary>
    /// The activity queues this worker serves, each with its number of concurrent activities.
    /// Empty means <c>default</c> with one per processor. A GPU worker sets <c>{ "gpu": 1 }</c>.
    /// </summary>
    public Dictionary<string, int> Queues { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Orchestration steps run at once; 0 makes an activity-only worker.</summary>
    public int MaxConcurrentOrchestrations { get; set; } = Environment.ProcessorCount;

    /// <summary>The first wait after an empty poll; doubles up to <see cref="MaxPollInterval"/>.</summary>
    public TimeSpan MinPollInterval { get; set; } = TimeSpan.FromMilliseconds(10);

    /// <summary>The longest wait between polls when idle: bounds how late this worker sees work
    /// enqueued by another process (work from this process wakes it at once).</summary>
    public TimeSpan MaxPollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How long an orchestration step may hold its instance before another worker may take it.</summary>
    public TimeSpan OrchestrationLockDuration { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// An activity's lease. The worker renews it every third of this while the activity runs, so
    /// it only expires when the worker dies or hangs; then another worker runs the activity again
    /// after at most this long.
    /// </summary>
    public TimeSpan ActivityLeaseDuration { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Heartbeat details are written at most this often (and at every lease renewal).</summary>
    public TimeSpan HeartbeatFlushInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>An item handed out more times than this without completing is poison: its
    /// instance fails with that reason instead of crashing workers forever.</summary>
    public int MaxDispatchCount { get; set; } = 10;

    /// <summary>The wait before an item that failed to process is offered again; doubles with each dispatch, up to a minute.</summary>
    public TimeSpan AbandonDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The queues with their concurrency, defaults applied.</summary>
    internal IReadOnlyDictionary<string, int> EffectiveQueues =>
        Queues.Count > 0 ? Queues : new Dictionary<string, int> { [TaskOptions.DefaultQueue] = Environment.ProcessorCount };

    internal TimeSpan AbandonDelayFor(int dispatchCount) =>
        TimeSpan.FromTicks(Math.Min(AbandonDelay.Ticks * (1L << Math.Clamp(dispatchCount - 1, 0, 16)), TimeSpan.FromMinutes(1).Ticks));
}
