using RankDistill.Durable.Client;
using RankDistill.Durable.History;

namespace RankDistill.Durable.Backends;

/// <summary>
/// Where a task hub keeps its state: instances, their histories, their inboxes (messages not yet
/// processed) and the activity queues. A backend stores and fences; it makes no orchestration
/// decisions (replay, retries, rewind are the worker's). Every backend passes the conformance
/// suite in the tests (BackendConformanceTests).
/// <para>Rules every implementation keeps:</para>
/// <list type="bullet">
/// <item>each Complete* runs in one transaction, and only while the caller's lock token still holds
/// the item: a worker that lost its lock commits nothing (fencing);</item>
/// <item>a completion that could not commit leaves the item to be delivered again: never lost,
/// never applied twice;</item>
/// <item>times come from the caller (its <see cref="TimeProvider"/>), never from the database clock;</item>
/// <item>messages to an instance that does not exist are dropped.</item>
/// </list>
/// </summary>
public interface IDurableBackend : IAsyncDisposable
{
    /// <summary>Creates or migrates the schema; safe to call from every process at start.</summary>
    Task InitializeAsync(CancellationToken cancellationToken);

    /// <summary>Creates a Pending instance and puts its <see cref="ExecutionStarted"/> message in its
    /// inbox, replacing an existing instance only when <paramref name="policy"/> allows it (and then
    /// discarding its history, messages and tasks).</summary>
    /// <exception cref="InstanceAlreadyExistsException">The id exists and the policy refuses.</exception>
    Task CreateInstanceAsync(NewInstance instance, InstanceIdReusePolicy policy, CancellationToken cancellationToken);

    Task<OrchestrationMetadata?> GetInstanceAsync(string instanceId, CancellationToken cancellationToken);

    Task<InstancePage> QueryInstancesAsync(InstanceQuery query, CancellationToken cancellationToken);

    /// <summary>The committed history, oldest first.</summary>
    Task<IReadOnlyList<HistoryEvent>> GetHistoryAsync(string instanceId, CancellationToken cancellationToken);

    /// <summary>Activities queued or running for the instance, and its unprocessed messages.</summary>
    Task<IReadOnlyList<PendingWork>> GetPendingWorkAsync(string instanceId, CancellationToken cancellationToken);

    /// <summary>Puts a message in an instance's inbox.</summary>
    /// <returns>False when the instance does not exist.</returns>
    Task<bool> SendMessageAsync(OutboundMessage message, CancellationToken cancellationToken);

    /// <summary>Deletes a terminal instance with its history, messages and tasks.</summary>
    /// <returns>False when it does not exist.</returns>
    /// <exception cref="InvalidOperationException">It is not terminal.</exception>
    Task<bool> PurgeInstanceAsync(string instanceId, CancellationToken cancellationToken);

    /// <summary>Deletes the terminal instances that match.</summary>
    /// <returns>How many were deleted.</returns>
    Task<int> PurgeInstancesAsync(PurgeFilter filter, CancellationToken cancellationToken);

    /// <summary>Locks the next instance that has a visible waking message (and is not locked), with
    /// all its visible messages (their dequeue counts raised by one) and its history.</summary>
    Task<OrchestrationWorkItem?> LockNextOrchestrationAsync(LockRequest request, CancellationToken cancellationToken);

    /// <summary>Applies one step of an orchestration in one transaction.</summary>
    /// <exception cref="LockLostException">The lock token no longer holds the instance; nothing was written.</exception>
    Task CompleteOrchestrationAsync(OrchestrationWorkItem item, OrchestrationCommit commit, CancellationToken cancellationToken);

    /// <summary>Unlocks the instance and hides the item's messages until <paramref name="visibleAt"/>.</summary>
    Task AbandonOrchestrationAsync(OrchestrationWorkItem item, DateTimeOffset visibleAt, CancellationToken cancellationToken);

    /// <summary>Locks up to <paramref name="maxCount"/> visible activities of <paramref name="queue"/>,
    /// oldest first (an expired lock is visible again), raising their dispatch counts.
    /// <paramref name="onLocked"/> may return a message per item (the task-started record), written
    /// in the same transaction.</summary>
    /// <returns>The locked items; empty when none is visible.</returns>
    Task<IReadOnlyList<ActivityWorkItem>> LockNextActivitiesAsync(string queue, LockRequest request, int maxCount, Func<ActivityWorkItem, OutboundMessage?>? onLocked, CancellationToken cancellationToken);

    /// <summary>Extends the lock, storing heartbeat details when <paramref name="heartbeat"/> is not null.</summary>
    /// <returns>False when the lock is lost (expired and taken, or the task was deleted by terminate).</returns>
    Task<bool> RenewActivityLockAsync(ActivityWorkItem item, DateTimeOffset lockedUntil, HeartbeatUpdate? heartbeat, CancellationToken cancellationToken);

    /// <summary>Deletes the task and puts its result in the instance's inbox, in one transaction.</summary>
    /// <returns>False when the lock is lost; nothing was written.</returns>
    Task<bool> CompleteActivityAsync(ActivityWorkItem item, OutboundMessage result, CancellationToken cancellationToken);

    /// <summary>Releases the task (its worker is stopping gracefully), hidden until
    /// <paramref name="visibleAt"/>. The release does not count toward the poison limit: only
    /// dispatches that end without a release (crashes, hangs) do.</summary>
    /// <returns>False when the lock is lost.</returns>
    Task<bool> AbandonActivityAsync(ActivityWorkItem item, DateTimeOffset visibleAt, CancellationToken cancellationToken);

    /// <summary>Activities visible and waiting per queue, and instances with waking messages.</summary>
    Task<QueueDepths> GetQueueDepthsAsync(DateTimeOffset now, CancellationToken cancellationToken);
}
