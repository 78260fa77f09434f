namespace RankDistill.Durable.Client;

/// <summary>
/// Work an instance is waiting on: an activity in a queue (maybe running on a worker) or a
/// message (result, timer, event) not yet processed. A step shown here with no lock is waiting
/// for a worker that serves its queue, not failed.
/// </summary>
public sealed record PendingWork
{
    public required PendingWorkKind Kind { get; init; }

    /// <summary>The activity name, or the message's event type.</summary>
    public required string Name { get; init; }

    /// <summary>The activity's queue; null for messages.</summary>
    public string? Queue { get; init; }

    /// <summary>The call's id, when the work belongs to one.</summary>
    public int? TaskId { get; init; }

    /// <summary>The activity attempt under its retry policy.</summary>
    public int? Attempt { get; init; }

    public required DateTimeOffset EnqueuedAt { get; init; }

    /// <summary>Not delivered before this time (a timer, a delayed retry of an abandoned item).</summary>
    public required DateTimeOffset VisibleAt { get; init; }

    /// <summary>How many times it was handed to a worker.</summary>
    public required int DispatchCount { get; init; }

    /// <summary>The worker running it, when locked.</summary>
    public string? LockedBy { get; init; }

    public DateTimeOffset? LockedUntil { get; init; }

    /// <summary>The latest heartbeat details of a running activity (its progress).</summary>
    public string? HeartbeatDetails { get; init; }

    public bool IsLocked => LockedBy is not null;
}

public enum PendingWorkKind
{
    Activity,
    Message,
}
