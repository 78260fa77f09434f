namespace RankDistill.Workflows.Dashboard.Api;

/// <summary>
/// The steps of one instance (<c>GET /api/instances/{id}/timeline</c>), in call order, derived from the history events
/// DurableTask.Core recorded; open GPU steps also from their <c>GpuStep</c> instances in the gpu task hub.
/// </summary>
public sealed record Timeline(string InstanceId, IReadOnlyList<TimelineStep> Steps);

/// <summary>
/// One step: an activity call with all its attempts, a sub-orchestration, a fan-out (several calls of one activity
/// made in one orchestration episode, summarised as shards) or a user timer. Bookkeeping calls made after it (the run
/// manifest write) are folded into it (<see cref="Bookkeeping"/>), not shown as steps of their own.
/// </summary>
public sealed record TimelineStep
{
    /// <summary><c>activity</c>, <c>subOrchestration</c>, <c>fanOut</c> or <c>timer</c>.</summary>
    public required string Kind { get; init; }

    public required string Name { get; init; }

    /// <summary>
    /// <c>scheduled</c> (a default-queue activity without a result: running or queued, the task hub does not say which;
    /// a sub-orchestration not yet started), <c>waiting</c> (a GPU step no GPU worker has taken yet, not a failure; a
    /// user timer), <c>running</c> (a GPU step on a GPU worker, a running sub-orchestration), <c>retrying</c> (waiting out
    /// a retry delay), <c>completed</c>, <c>failed</c> or <c>cancelled</c> (the instance ended first).
    /// </summary>
    public required string Status { get; init; }

    /// <summary>The queue an activity runs on (<c>default</c> or <c>gpu</c>); null for other kinds.</summary>
    public string? Queue { get; init; }

    public required DateTimeOffset ScheduledAt { get; init; }

    public DateTimeOffset? EndedAt { get; init; }

    /// <summary>Scheduled to end, or to now while open.</summary>
    public required double DurationSeconds { get; init; }

    public required IReadOnlyList<StepAttempt> Attempts { get; init; }

    /// <summary>The waits between a failed attempt and the next.</summary>
    public required IReadOnlyList<RetryWait> RetryWaits { get; init; }

    /// <summary>The last attempt's failure when it failed, or a folded bookkeeping call's final failure.</summary>
    public FailureInfo? Failure { get; init; }

    /// <summary>For a sub-orchestration: the child's instance id.</summary>
    public string? ChildInstanceId { get; init; }

    /// <summary>For a fan-out, or a sub-orchestration that fans out: the calls summarised.</summary>
    public ShardSummary? Shards { get; init; }

    /// <summary>The bookkeeping calls made for this step after it (the run manifest writes), in call order.</summary>
    public required IReadOnlyList<BookkeepingCall> Bookkeeping { get; init; }

    /// <summary>What an open step waits on, for people.</summary>
    public string? Waiting { get; init; }
}

/// <summary>
/// One attempt of a call: scheduled when the orchestration scheduled it, ended when its result reached the history.
/// <see cref="Outcome"/> uses the step statuses.
/// </summary>
public sealed record StepAttempt(int Attempt, int TaskId, DateTimeOffset ScheduledAt, DateTimeOffset? EndedAt, string Outcome, FailureInfo? Failure);

/// <summary>A wait between failed attempt <see cref="AfterAttempt"/> and the next: from the failure until the retry (or its timer, while waiting).</summary>
public sealed record RetryWait(int AfterAttempt, DateTimeOffset From, DateTimeOffset Until, double Seconds);

/// <summary>A bookkeeping call folded into its step: its status (a step status), attempts made, and its final failure.</summary>
public sealed record BookkeepingCall(string Name, string Status, int Attempts, FailureInfo? Failure);

/// <summary>
/// Calls of one activity summarised: how many, how many done, failed (finally), running on a worker, waiting (for a
/// worker, a retry, or scheduled on the default queue), and retries made.
/// </summary>
public sealed record ShardSummary(string Name, int Total, int Completed, int Failed, int Running, int Waiting, int Retries)
{
    public double Progress => Total == 0 ? 0 : (double)Completed / Total;
}
