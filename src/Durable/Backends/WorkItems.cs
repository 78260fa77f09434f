using RankDistill.Durable.Client;
using RankDistill.Durable.History;

namespace RankDistill.Durable.Backends;

/// <summary>Who asks for a lock, until when, and what time it is (by the caller's clock).</summary>
public sealed record LockRequest(string WorkerId, DateTimeOffset Now, DateTimeOffset LockedUntil);

/// <summary>A new instance for <see cref="IDurableBackend.CreateInstanceAsync"/>.</summary>
/// <param name="InstanceId">The id.</param>
/// <param name="Name">The orchestrator name.</param>
/// <param name="Input">JSON input (kept on the instance for display).</param>
/// <param name="Start">The start message.</param>
/// <param name="CreatedAt">Now, by the caller's clock.</param>
/// <param name="StartAt">When the start message becomes visible.</param>
public sealed record NewInstance(string InstanceId, string Name, string? Input, ExecutionStarted Start, DateTimeOffset CreatedAt, DateTimeOffset StartAt);

/// <summary>A message to put in an instance's inbox.</summary>
/// <param name="InstanceId">The target instance.</param>
/// <param name="Event">The message.</param>
/// <param name="VisibleAt">Not delivered before (timers).</param>
/// <param name="Generation">The target execution; null for any. Workers drop messages of other generations.</param>
/// <param name="Wakes">False for informational messages (task started) that wait for the next real message.</param>
public sealed record OutboundMessage(string InstanceId, HistoryEvent Event, DateTimeOffset VisibleAt, int? Generation = null, bool Wakes = true);

/// <summary>A message in an instance's inbox.</summary>
public sealed record InboxMessage(long Id, HistoryEvent Event, int? Generation, DateTimeOffset EnqueuedAt, int DequeueCount);

/// <summary>A locked instance: its state, history and new messages.</summary>
public sealed record OrchestrationWorkItem(
    string InstanceId,
    string LockToken,
    DateTimeOffset LockedUntil,
    OrchestrationMetadata Instance,
    IReadOnlyList<HistoryEvent> History,
    IReadOnlyList<InboxMessage> Messages);

/// <summary>One step of an orchestration, written in one transaction.</summary>
public sealed record OrchestrationCommit
{
    /// <summary>Events to append, or the whole new history when <see cref="ReplaceHistory"/>.</summary>
    public IReadOnlyList<HistoryEvent> History { get; init; } = [];

    /// <summary>Discard the stored history first (continue-as-new, restart, rewind).</summary>
    public bool ReplaceHistory { get; init; }

    /// <summary>The instance's state after the step.</summary>
    public required InstanceUpdate Instance { get; init; }

    /// <summary>Activities to queue.</summary>
    public IReadOnlyList<NewActivityTask> Tasks { get; init; } = [];

    /// <summary>Messages to send (to this instance: timers; to others: results, starts, terminations).</summary>
    public IReadOnlyList<OutboundMessage> Messages { get; init; } = [];

    /// <summary>Child instances to create when absent (as Pending), before the messages are sent.</summary>
    public IReadOnlyList<ChildInstance> Children { get; init; } = [];

    /// <summary>Delete the instance's queued and running activities (their workers see the lock lost).</summary>
    public bool CancelPendingTasks { get; init; }
}

/// <summary>The instance row after a step.</summary>
public sealed record InstanceUpdate(
    string Name,
    OrchestrationRuntimeStatus Status,
    int Generation,
    string? Input,
    string? Output,
    string? CustomStatus,
    FailureDetails? Failure,
    string? ParentInstanceId,
    DateTimeOffset UpdatedAt,
    DateTimeOffset? CompletedAt);

/// <summary>A sub-orchestration to create if it does not exist.</summary>
public sealed record ChildInstance(string InstanceId, string Name, string ParentInstanceId, DateTimeOffset CreatedAt);

/// <summary>An activity to queue.</summary>
/// <param name="TaskId">The call's id in the orchestration.</param>
/// <param name="Name">Activity name.</param>
/// <param name="Queue">Queue.</param>
/// <param name="Input">JSON input.</param>
/// <param name="Attempt">Attempt under the retry policy.</param>
/// <param name="Generation">The instance's execution.</param>
/// <param name="HeartbeatDetails">Details carried over from the previous failed attempt.</param>
/// <param name="HeartbeatTimeout">Cancel and fail an attempt that does not heartbeat within this time.</param>
/// <param name="EnqueuedAt">Now.</param>
public sealed record NewActivityTask(
    int TaskId, string Name, string Queue, string? Input, int Attempt, int Generation,
    string? HeartbeatDetails, TimeSpan? HeartbeatTimeout, DateTimeOffset EnqueuedAt);

/// <summary>A locked activity.</summary>
public sealed record ActivityWorkItem
{
    public required long Id { get; init; }

    public required string InstanceId { get; init; }

    public required int Generation { get; init; }

    public required int TaskId { get; init; }

    public required string Name { get; init; }

    public required string Queue { get; init; }

    public string? Input { get; init; }

    public required int Attempt { get; init; }

    /// <summary>Dispatches so far, this one included.</summary>
    public required int DispatchCount { get; init; }

    public required DateTimeOffset EnqueuedAt { get; init; }

    public required string WorkerId { get; init; }

    public required string LockToken { get; init; }

    public required DateTimeOffset LockedUntil { get; init; }

    /// <summary>The last heartbeat details stored before this dispatch.</summary>
    public string? HeartbeatDetails { get; init; }

    public TimeSpan? HeartbeatTimeout { get; init; }
}

/// <summary>New heartbeat details for a renewal.</summary>
public sealed record HeartbeatUpdate(string? Details);

/// <summary>Waiting work, for metrics.</summary>
public sealed record QueueDepths(IReadOnlyDictionary<string, int> Activities, int Orchestrations);
