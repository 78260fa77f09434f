using DurableTask.Core;
using DurableTask.Core.History;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace RankDistill.TaskHub.Sqlite;

/// <summary>
/// Activity tasks. Locking one sets its VisibleAt to the lock's expiry, so the same index finds new tasks and
/// tasks whose worker died. DurableTask.Core renews the lock of a running activity; renewal, completion and
/// abandon are fenced by the lock token, so a worker whose lock was taken over changes nothing.
/// </summary>
internal sealed class ActivityQueue(SqliteDatabase db, SqliteOrchestrationServiceOptions options, WorkSignal orchestrations, ILogger logger)
{
    private readonly IdlePoller _poller = new(options.PollInterval, db.Time);

    // The tasks this service is running. Core renews their locks, but on a starved machine a renewal can come late;
    // this process must not then hand its own running task out again (another process may: see the README).
    private readonly RunningSet<long> _running = new();
    private volatile bool _busy;

    public WorkSignal Signal { get; } = WorkSignal.For(db.FilePath, db.Hub, "activities");

    /// <summary>Adds the activity tasks an orchestration step scheduled, in the caller's transaction.</summary>
    public static void Enqueue(SqliteConnection c, SqliteTransaction t, string hub, IList<TaskMessage> messages, long now)
    {
        if (messages.Count == 0)
            return;
        using var insert = c.Command(
            t,
            """
            INSERT INTO Tasks (TaskHub, InstanceId, ExecutionId, Name, TaskId, Event, Context, EnqueuedAt, VisibleAt)
            VALUES ($hub, $id, $execution, $name, $task, $event, $context, $now, $now)
            """,
            ("$hub", hub), ("$id", ""), ("$execution", null), ("$name", ""), ("$task", 0), ("$event", ""), ("$context", null), ("$now", now));
        foreach (var message in messages)
        {
            var scheduled = (TaskScheduledEvent)message.Event;
            insert.Parameters["$id"].Value = message.OrchestrationInstance.InstanceId;
            insert.Parameters["$execution"].Value = (object?)message.OrchestrationInstance.ExecutionId ?? DBNull.Value;
            insert.Parameters["$name"].Value = scheduled.Name ?? string.Empty;
            insert.Parameters["$task"].Value = scheduled.EventId;
            insert.Parameters["$event"].Value = HistoryJson.Write(scheduled);
            insert.Parameters["$context"].Value = (object?)HistoryJson.WriteOrNull(message.OrchestrationExecutionContext) ?? DBNull.Value;
            insert.ExecuteNonQuery();
        }
    }

    public async Task<TaskActivityWorkItem?> LockNextAsync(TimeSpan receiveTimeout, CancellationToken cancellationToken) =>
        await _poller.PollAsync(Signal, LookAsync, receiveTimeout, cancellationToken);

    public async Task<TaskActivityWorkItem> RenewAsync(TaskActivityWorkItem workItem)
    {
        var item = (SqliteActivityWorkItem)workItem;
        var until = db.NowTicks + options.ActivityLockDuration.Ticks;
        var renewed = await db.WriteAsync((c, t) => c.Execute(
            t,
            "UPDATE Tasks SET LockedUntil = $until, VisibleAt = $until WHERE Id = $row AND LockToken = $token",
            ("$until", until), ("$row", item.TaskRowId), ("$token", item.LockToken)) == 1);
        if (!renewed)
            throw new InvalidOperationException($"The lock of activity {item.Id} was lost (it expired and another worker took it, or its instance was purged).");
        item.LockedUntilUtc = SqliteCommands.UtcFromTicks(until);
        return item;
    }

    /// <summary>
    /// Deletes the task and sends its result to the orchestration, in one transaction. If the lock was lost the
    /// result is dropped: the task is another worker's now (or its instance is gone), and that worker's result is
    /// the one the orchestration gets, so the orchestration never sees two results for one task.
    /// </summary>
    public async Task CompleteAsync(TaskActivityWorkItem workItem, TaskMessage response)
    {
        var item = (SqliteActivityWorkItem)workItem;
        bool applied;
        try
        {
            applied = await db.WriteAsync((c, t) =>
            {
                if (c.Execute(t, "DELETE FROM Tasks WHERE Id = $row AND LockToken = $token", ("$row", item.TaskRowId), ("$token", item.LockToken)) == 0)
                    return false;
                Inbox.Route(c, t, db.Hub, response, db.NowTicks, logger);
                return true;
            });
        }
        finally
        {
            _running.Remove(item.TaskRowId);
        }
        if (applied)
            orchestrations.Pulse();
        else
            Logs.ActivityLockLost(logger, item.Id, options.WorkerId);
    }

    /// <summary>
    /// Unlocks the task (another worker may have the activity this one lacks); it is visible again after a back-off
    /// that doubles with its dispatch count (which already counts this attempt), and the poison limit ends it.
    /// </summary>
    public async Task AbandonAsync(TaskActivityWorkItem workItem)
    {
        var item = (SqliteActivityWorkItem)workItem;
        try
        {
            await db.WriteAsync((c, t) => c.Execute(
                t,
                $"UPDATE Tasks SET LockedBy = NULL, LockToken = NULL, LockedUntil = NULL, VisibleAt = $now + {Backoff.Sql("DispatchCount - 1")} WHERE Id = $row AND LockToken = $token",
                ("$now", db.NowTicks), ("$row", item.TaskRowId), ("$token", item.LockToken)));
        }
        finally
        {
            _running.Remove(item.TaskRowId);
        }
        Signal.Pulse();
    }

    private async Task<Attempt<TaskActivityWorkItem>> LookAsync()
    {
        // Idle, a look is a read first (no write transaction, no waiting for another process's writer); while the
        // last look found a task, the next one goes straight to the lock.
        if (!_busy)
        {
            var now = db.NowTicks;
            var first = await db.ReadAsync(c => c.Scalar(
                null,
                "SELECT VisibleAt FROM Tasks WHERE TaskHub = $hub AND Id NOT IN (SELECT value FROM json_each($running)) ORDER BY VisibleAt LIMIT 1",
                ("$hub", db.Hub), ("$running", _running.Json())) as long?);
            if (first is null || first > now)
                return new(null, first);
        }
        var (item, poisoned) = await db.WriteAsync(TryLock);
        if (item is not null)
            _running.Add(item.TaskRowId);
        if (poisoned)
            orchestrations.Pulse(); // the poisoned tasks' failures went to their orchestrations
        _busy = item is not null;
        return new(item, item is null ? db.NowTicks : null);
    }

    private (SqliteActivityWorkItem? Item, bool Poisoned) TryLock(SqliteConnection c, SqliteTransaction t)
    {
        var now = db.NowTicks;
        var poisoned = false;
        while (true)
        {
            var token = Guid.NewGuid().ToString("N");
            var until = now + options.ActivityLockDuration.Ticks;
            var rows = c.Query(
                t,
                """
                UPDATE Tasks SET LockedBy = $worker, LockToken = $token, LockedUntil = $until, VisibleAt = $until, DispatchCount = DispatchCount + 1
                WHERE Id = (
                    SELECT Id FROM Tasks
                    WHERE TaskHub = $hub AND VisibleAt <= $now AND Id NOT IN (SELECT value FROM json_each($running))
                    ORDER BY VisibleAt, Id LIMIT 1)
                RETURNING Id, InstanceId, ExecutionId, Event, Context, DispatchCount
                """,
                r => (Row: r.GetInt64(0), InstanceId: r.GetString(1), ExecutionId: r.TextOrNull(2), Event: r.GetString(3), Context: r.TextOrNull(4), Dispatches: r.GetInt32(5)),
                ("$worker", options.WorkerId), ("$token", token), ("$until", until), ("$hub", db.Hub), ("$now", now), ("$running", _running.Json()));
            if (rows.Count == 0)
                return (null, poisoned);
            var row = rows[0];
            var scheduled = (TaskScheduledEvent)HistoryJson.ReadEvent(nameof(EventType.TaskScheduled), row.Event);
            var instance = new OrchestrationInstance { InstanceId = row.InstanceId, ExecutionId = row.ExecutionId };
            if (row.Dispatches > options.MaxActivityDispatches)
            {
                FailPoisoned(c, t, row.Row, instance, scheduled, row.Dispatches - 1, now);
                poisoned = true;
                continue;
            }
            var item = new SqliteActivityWorkItem
            {
                Id = $"{row.InstanceId}:{scheduled.EventId}",
                TaskRowId = row.Row,
                LockToken = token,
                LockedUntilUtc = SqliteCommands.UtcFromTicks(until),
                DeliveryAttempt = row.Dispatches,
                TaskMessage = new TaskMessage
                {
                    SequenceNumber = row.Row,
                    OrchestrationInstance = instance,
                    Event = scheduled,
                    OrchestrationExecutionContext = HistoryJson.Read<OrchestrationExecutionContext>(row.Context),
                },
            };
            return (item, poisoned);
        }
    }

    /// <summary>The poison limit: the task fails (non-retriable) instead of being handed out yet again.</summary>
    private void FailPoisoned(SqliteConnection c, SqliteTransaction t, long row, OrchestrationInstance instance, TaskScheduledEvent scheduled, int dispatches, long now)
    {
        c.Execute(t, "DELETE FROM Tasks WHERE Id = $row", ("$row", row));
        var message = $"Activity '{scheduled.Name}' (task {scheduled.EventId} of orchestration {instance.InstanceId}) was handed to a worker "
            + $"{dispatches} times without completing (each time its worker died, lost the lock or abandoned it); MaxActivityDispatches is "
            + $"{options.MaxActivityDispatches}, so the task fails instead of running again.";
        var failure = new FailureDetails("RankDistill.TaskHub.ActivityDispatchLimitExceeded", message, stackTrace: null, innerFailure: null, isNonRetriable: true);
        var response = new TaskMessage { OrchestrationInstance = instance, Event = new TaskFailedEvent(-1, scheduled.EventId, message, details: null, failure) };
        Inbox.Route(c, t, db.Hub, response, now, logger);
        Logs.ActivityPoisoned(logger, instance.InstanceId, scheduled.Name, scheduled.EventId, dispatches);
    }
}
