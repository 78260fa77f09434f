namespace RankDistill.Workflows.Dashboard.Api;

/// <summary>The steps of one instance (<c>GET /api/instances/{id}/timeline</c>), derived from its history and pending work, in call order.</summary>
public sealed record Timeline(string InstanceId, IReadOnlyList<TimelineStep> Steps);

/// <summary>
/// One step: an activity call with all its attempts, a sub-orchestration, a fan-out (several calls of one activity
/// made together, summarised as shards) or a user timer.
/// </summary>
public sealed record TimelineStep
{
    /// <summary><c>activity</c>, <c>subOrchestration</c>, <c>fanOut</c> or <c>timer</c>.</summary>
    public required string Kind { get; init; }

    public required string Name { get; init; }

    /// <summary>
    /// <c>scheduled</c>, <c>waiting</c> (for a worker of its queue), <c>delayed</c>, <c>running</c>, <c>retrying</c>
    /// (waiting out a retry delay), <c>completed</c>, <c>failed</c> or <c>cancelled</c> (the instance ended first).
    /// </summary>
    public required string Status { get; init; }

    public string? Queue { get; init; }

    public required DateTimeOffset ScheduledAt { get; init; }

    /// <summary>When a worker first took it.</summary>
    public DateTimeOffset? StartedAt { get; init; }

    public DateTimeOffset? EndedAt { get; init; }

    /// <summary>Scheduled to end, or to now while open.</summary>
    public required double DurationSeconds { get; init; }

    public required IReadOnlyList<StepAttempt> Attempts { get; init; }

    /// <summary>The waits between a failed attempt and the next.</summary>
    public required IReadOnlyList<RetryWait> RetryWaits { get; init; }

    /// <summary>The last attempt's failure, when it failed.</summary>
    public FailureInfo? Failure { get; init; }

    /// <summary>The worker that ran (or runs) the last attempt.</summary>
    public string? Worker { get; init; }

    /// <summary>For a sub-orchestration: the child's instance id.</summary>
    public string? ChildInstanceId { get; init; }

    /// <summary>For a fan-out, or a sub-orchestration that fans out: the calls summarised.</summary>
    public ShardSummary? Shards { get; init; }

    /// <summary>What an open step waits on, for people.</summary>
    public string? Waiting { get; init; }
}

/// <summary>One attempt of a call. <see cref="Outcome"/> uses the step statuses; <see cref="Dispatches"/> above 1 means a worker crashed or lost its lease.</summary>
public sealed record StepAttempt(
    int Attempt, int TaskId, DateTimeOffset ScheduledAt, DateTimeOffset? StartedAt, DateTimeOffset? EndedAt, int Dispatches, string? Worker, string Outcome, FailureInfo? Failure);

/// <summary>A wait between failed attempt <see cref="AfterAttempt"/> and the next: from the failure until the retry (or its timer, while waiting).</summary>
public sealed record RetryWait(int AfterAttempt, DateTimeOffset From, DateTimeOffset Until, double Seconds);

/// <summary>Calls of one activity summarised: how many, how many done, failed (finally), running or queued, and retries made.</summary>
public sealed record ShardSummary(string Name, int Total, int Completed, int Failed, int Running, int Waiting, int Retries)
{
    public double Progress => Total == 0 ? 0 : (double)Completed / Total;
}
