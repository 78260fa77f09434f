namespace RankDistill.TaskHub.Sqlite;

/// <summary>
/// Settings of <see cref="SqliteOrchestrationService"/>: one SQLite file, one task hub in it.
/// <see cref="Validate"/> runs when the service is built and names the setting it refuses.
/// </summary>
public sealed record SqliteOrchestrationServiceOptions
{
    /// <summary>The database file; made (with its folder) if missing. Several processes may share it.</summary>
    public required string FilePath { get; init; }

    /// <summary>
    /// The task hub: every row carries it, so services with different hub names on one file never
    /// see each other's instances or work (a GPU hub beside the CPU hub, say).
    /// </summary>
    public string TaskHubName { get; init; } = "default";

    /// <summary>Who holds a lock, as written in the file; one per process so a dead process's locks are recognisable.</summary>
    public string WorkerId { get; init; } = $"{Environment.MachineName}:{Environment.ProcessId}";

    /// <summary>
    /// How long an orchestration step holds its instance. DurableTask.Core renews the lock of a running step, so this
    /// bounds only how long a dead worker's instance stays blocked.
    /// </summary>
    public TimeSpan OrchestrationLockDuration { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// How long an activity stays locked without renewal. DurableTask.Core renews a running activity's lock every
    /// 5 to 30 seconds (30 s before it expires), so a live hour-long activity keeps it; a dead worker's activity is
    /// handed to another worker this long after its last renewal. Keep it well above 30 s unless testing.
    /// </summary>
    public TimeSpan ActivityLockDuration { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>Orchestration steps this process runs at once (they are short replays).</summary>
    public int MaxConcurrentOrchestrations { get; init; } = 100;

    /// <summary>Activities this process runs at once.</summary>
    public int MaxConcurrentActivities { get; init; } = 10;

    /// <summary>
    /// The longest an idle worker waits before looking for work that another process enqueued. Work this process
    /// enqueues wakes its own workers at once; after finding work a worker looks again sooner and backs off to this.
    /// </summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// An activity handed out this many times without completing (its workers died, or abandoned it) is not handed
    /// out again: its task fails with a <c>TaskFailedEvent</c> that says so.
    /// </summary>
    public int MaxActivityDispatches { get; init; } = 10;

    /// <summary>How long a write waits for another process's write transaction before it fails.</summary>
    public TimeSpan BusyTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Throws <see cref="ArgumentException"/> naming the first setting out of range.</summary>
    public void Validate()
    {
        Require(!string.IsNullOrWhiteSpace(FilePath), nameof(FilePath), "must name the SQLite file");
        Require(!string.IsNullOrWhiteSpace(TaskHubName), nameof(TaskHubName), "must not be empty");
        Require(TaskHubName.Length <= 100, nameof(TaskHubName), $"is {TaskHubName.Length} characters; at most 100");
        Require(!string.IsNullOrWhiteSpace(WorkerId), nameof(WorkerId), "must not be empty");
        RequireAtLeast(OrchestrationLockDuration, TimeSpan.FromSeconds(1), nameof(OrchestrationLockDuration));
        RequireAtLeast(ActivityLockDuration, TimeSpan.FromSeconds(1), nameof(ActivityLockDuration));
        RequireAtLeast(PollInterval, TimeSpan.FromMilliseconds(10), nameof(PollInterval));
        Require(PollInterval <= TimeSpan.FromMinutes(1), nameof(PollInterval), $"is {PollInterval}; at most 1 minute");
        RequireAtLeast(BusyTimeout, TimeSpan.FromMilliseconds(100), nameof(BusyTimeout));
        Require(MaxConcurrentOrchestrations >= 1, nameof(MaxConcurrentOrchestrations), $"is {MaxConcurrentOrchestrations}; at least 1");
        Require(MaxConcurrentActivities >= 1, nameof(MaxConcurrentActivities), $"is {MaxConcurrentActivities}; at least 1");
        Require(MaxActivityDispatches >= 1, nameof(MaxActivityDispatches), $"is {MaxActivityDispatches}; at least 1");
    }

    private static void RequireAtLeast(TimeSpan value, TimeSpan minimum, string name) =>
        Require(value >= minimum, name, $"is {value}; at least {minimum}");

    private static void Require(bool condition, string name, string problem)
    {
        if (!condition)
            throw new ArgumentException($"SqliteOrchestrationServiceOptions.{name} {problem}.", name);
    }
}
