using DurableTask.Core;
using DurableTask.Core.History;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace RankDistill.TaskHub.Sqlite;

/// <summary>
/// Orchestration work items: an instance with visible inbox messages and no live lock is locked (owner + a fresh
/// token + an expiry) with those messages; its history is read outside the write transaction (nobody else writes
/// a locked instance's history). Renew, abandon and release are fenced by the token like completion.
/// </summary>
internal sealed class OrchestrationQueue(SqliteDatabase db, SqliteOrchestrationServiceOptions options, HistoryCache histories, ILogger logger)
{
    // Bounds one work item; the rest of an event storm waits for the next one.
    private const int MaxMessagesPerWorkItem = 5000;

    private const string CandidateSql = """
        SELECT i.InstanceId, i.Status
        FROM Inbox m JOIN Instances i ON i.TaskHub = m.TaskHub AND i.InstanceId = m.InstanceId
        WHERE m.TaskHub = $hub AND m.VisibleAt <= $now
          AND (i.LockedUntil IS NULL OR i.LockedUntil <= $now)
          AND (i.Status <> 'Pending' OR m.EventType IN ('ExecutionStarted', 'ExecutionRewound'))
          AND (m.EnqueuedAt <= $settled OR NOT EXISTS (SELECT 1 FROM Tasks t WHERE t.TaskHub = m.TaskHub AND t.InstanceId = m.InstanceId))
          AND i.InstanceId NOT IN (SELECT value FROM json_each($running))
        ORDER BY m.VisibleAt
        LIMIT 1
        """;

    // While an instance still has activities out (a fan-out), a new message waits this long for others to join it:
    // each step replays the whole history, so a fan-out of 1,000 done in 60 steps instead of 300 frees the CPU for
    // the activities. An instance with none out (a chain, a start, an event) is not delayed.
    private static readonly long _settle = TimeSpan.FromMilliseconds(20).Ticks;

    private readonly IdlePoller _poller = new(options.PollInterval, db.Time);

    // The instances this service is running a step of: one whose lock lapsed meanwhile (a renewal come late on a
    // starved machine) is not locked again by this same process while its first step still runs.
    private readonly RunningSet<string> _running = new();

    public WorkSignal Signal { get; } = WorkSignal.For(db.FilePath, db.Hub, "orchestrations");

    public async Task<TaskOrchestrationWorkItem?> LockNextAsync(TimeSpan receiveTimeout, CancellationToken cancellationToken) =>
        await _poller.PollAsync(Signal, LookAsync, receiveTimeout, cancellationToken);

    public async Task RenewAsync(TaskOrchestrationWorkItem workItem)
    {
        var item = (SqliteOrchestrationWorkItem)workItem;
        var until = db.NowTicks + options.OrchestrationLockDuration.Ticks;
        var renewed = await db.WriteAsync((c, t) => c.Execute(
            t,
            "UPDATE Instances SET LockedUntil = $until WHERE TaskHub = $hub AND InstanceId = $id AND LockToken = $token",
            ("$until", until), ("$hub", db.Hub), ("$id", item.InstanceId), ("$token", item.LockToken)) == 1);
        if (!renewed)
            throw new InvalidOperationException($"The lock of orchestration {item.InstanceId} was lost (it expired and another worker took it, or the instance was purged or replaced).");
        item.LockedUntilUtc = SqliteCommands.UtcFromTicks(until);
    }

    /// <summary>
    /// Gives the messages back and releases the lock. They are counted and become visible again after a back-off
    /// that doubles with each abandon (0.1 s to 30 s): a step that fails every time must not spin a core.
    /// </summary>
    public async Task AbandonAsync(TaskOrchestrationWorkItem workItem)
    {
        var item = (SqliteOrchestrationWorkItem)workItem;
        item.Settled = true;
        _running.Remove(item.InstanceId);
        await db.WriteAsync((c, t) =>
        {
            if (!Unlock(c, t, item))
                return false;
            using var count = c.Command(
                t,
                $"UPDATE Inbox SET DequeueCount = DequeueCount + 1, VisibleAt = MAX(VisibleAt, $now + {Backoff.Sql("DequeueCount")}) WHERE Id = $id",
                ("$id", 0L), ("$now", db.NowTicks));
            foreach (var id in item.MessageIds)
            {
                count.Parameters["$id"].Value = id;
                count.ExecuteNonQuery();
            }
            return true;
        });
        Signal.Pulse();
    }

    /// <summary>The item's step has been written (or refused): the instance may be locked by this process again.</summary>
    public void Completed(SqliteOrchestrationWorkItem item)
    {
        item.Settled = true;
        _running.Remove(item.InstanceId);
    }

    /// <summary>Releases the lock of an item that was neither completed nor abandoned (the worker is stopping).</summary>
    public async Task ReleaseAsync(TaskOrchestrationWorkItem workItem)
    {
        var item = (SqliteOrchestrationWorkItem)workItem;
        _running.Remove(item.InstanceId);
        if (item.Settled)
            return;
        item.Settled = true;
        try
        {
            await db.WriteAsync((c, t) => Unlock(c, t, item));
        }
        catch (ObjectDisposedException)
        {
            // A dispatcher that was stopping fetched it after the service was disposed: the lock just expires.
            return;
        }
        Signal.Pulse();
    }

    private bool Unlock(SqliteConnection c, SqliteTransaction t, SqliteOrchestrationWorkItem item) => c.Execute(
        t,
        "UPDATE Instances SET LockedBy = NULL, LockToken = NULL, LockedUntil = NULL WHERE TaskHub = $hub AND InstanceId = $id AND LockToken = $token",
        ("$hub", db.Hub), ("$id", item.InstanceId), ("$token", item.LockToken)) == 1;

    private async Task<Attempt<TaskOrchestrationWorkItem>> LookAsync()
    {
        // An idle look is a read: it costs no write transaction and never waits for another process's writer.
        var (candidate, next) = await db.ReadAsync(Peek);
        if (!candidate)
            return new(null, next);
        var locked = await db.WriteAsync(TryLock);
        if (locked is null)
            return new(null, db.NowTicks); // another worker took it first: look again at once
        _running.Add(locked.InstanceId);
        var history = histories.Get(locked.InstanceId, locked.HistoryExecutionId, locked.HistoryCount)
            ?? await db.ReadAsync(c => c.Query(
                null,
                "SELECT EventType, Event FROM History WHERE TaskHub = $hub AND InstanceId = $id ORDER BY Sequence",
                r => HistoryJson.ReadEvent(r.GetString(0), r.GetString(1)),
                ("$hub", db.Hub), ("$id", locked.InstanceId)));
        var state = new OrchestrationRuntimeState(history);
        return new(
            new SqliteOrchestrationWorkItem
            {
                InstanceId = locked.InstanceId,
                LockedUntilUtc = SqliteCommands.UtcFromTicks(locked.LockedUntil),
                NewMessages = locked.Messages.Select(m => m.Message).ToList(),
                OrchestrationRuntimeState = state,
                LockToken = locked.Token,
                MessageIds = locked.Messages.Select(m => m.Id).ToList(),
                LoadedExecutionId = state.OrchestrationInstance?.ExecutionId,
                LoadedEventCount = history.Count,
            },
            null);
    }

    /// <summary>Whether an instance can be locked now; if not, when a message becomes visible or settles.</summary>
    private (bool Candidate, long? Next) Peek(SqliteConnection c)
    {
        var now = db.NowTicks;
        if (c.Scalar(null, CandidateSql, ("$hub", db.Hub), ("$now", now), ("$settled", now - _settle), ("$running", _running.Json())) is not null)
            return (true, null);
        var next = c.Scalar(null, "SELECT MIN(VisibleAt) FROM Inbox WHERE TaskHub = $hub AND VisibleAt > $now", ("$hub", db.Hub), ("$now", now)) as long?;
        var settling = c.Scalar(
            null,
            "SELECT 1 FROM Inbox WHERE TaskHub = $hub AND VisibleAt <= $now AND EnqueuedAt > $settled LIMIT 1",
            ("$hub", db.Hub), ("$now", now), ("$settled", now - _settle)) is not null;
        return (false, settling ? Math.Min(next ?? long.MaxValue, now + _settle) : next);
    }

    private Locked? TryLock(SqliteConnection c, SqliteTransaction t)
    {
        var now = db.NowTicks;
        while (true)
        {
            var candidate = c.Query(
                t, CandidateSql, r => (Id: r.GetString(0), Status: InstanceRows.Status(r.GetString(1))),
                ("$hub", db.Hub), ("$now", now), ("$settled", now - _settle), ("$running", _running.Json()));
            if (candidate.Count == 0)
                return null;
            var (instanceId, status) = candidate[0];
            var messages = c.Query(
                t,
                "SELECT Id, ExecutionId, EventType, Event FROM Inbox WHERE TaskHub = $hub AND InstanceId = $id AND VisibleAt <= $now ORDER BY Id LIMIT $max",
                r => (Id: r.GetInt64(0), Message: new TaskMessage
                {
                    SequenceNumber = r.GetInt64(0),
                    OrchestrationInstance = new OrchestrationInstance { InstanceId = instanceId, ExecutionId = r.TextOrNull(1) },
                    Event = HistoryJson.ReadEvent(r.GetString(2), r.GetString(3)),
                }),
                ("$hub", db.Hub), ("$id", instanceId), ("$now", now), ("$max", MaxMessagesPerWorkItem));
            if (InstanceRows.IsTerminal(status))
            {
                Discard(c, t, instanceId, status, messages);
                continue;
            }
            // A rewinding instance (Pending, with a history) takes the request alone: the runtime drops every
            // message of a batch that holds a rewind for a finished history. The others wait for the rewound run.
            if (status == OrchestrationStatus.Pending && messages.FirstOrDefault(m => m.Message.Event is ExecutionRewoundEvent) is { Message: not null } rewind)
                messages = [rewind];
            var token = Guid.NewGuid().ToString("N");
            var until = now + options.OrchestrationLockDuration.Ticks;
            c.Execute(
                t,
                "UPDATE Instances SET LockedBy = $worker, LockToken = $token, LockedUntil = $until WHERE TaskHub = $hub AND InstanceId = $id",
                ("$worker", options.WorkerId), ("$token", token), ("$until", until), ("$hub", db.Hub), ("$id", instanceId));
            // What the stored history is, so a cached copy can be checked against it.
            var last = c.Query(
                t,
                "SELECT Sequence, ExecutionId FROM History WHERE TaskHub = $hub AND InstanceId = $id ORDER BY Sequence DESC LIMIT 1",
                r => (Count: r.GetInt32(0) + 1, ExecutionId: r.GetString(1)),
                ("$hub", db.Hub), ("$id", instanceId));
            return new Locked(instanceId, token, until, messages, last.Count == 1 ? last[0].Count : 0, last.Count == 1 ? last[0].ExecutionId : null);
        }
    }

    /// <summary>
    /// A finished instance takes no more messages, as the other providers discard them (a rewind request is not
    /// one of them: it made the instance Pending). They are deleted now, so they are never looked at again.
    /// </summary>
    private void Discard(SqliteConnection c, SqliteTransaction t, string instanceId, OrchestrationStatus status, List<(long Id, TaskMessage Message)> messages)
    {
        using var delete = c.Command(t, "DELETE FROM Inbox WHERE Id = $id", ("$id", 0L));
        foreach (var (id, message) in messages)
        {
            Logs.MessageToFinishedInstance(logger, instanceId, status, message.Event.EventType);
            delete.Parameters[0].Value = id;
            delete.ExecuteNonQuery();
        }
    }

    private sealed record Locked(string InstanceId, string Token, long LockedUntil, List<(long Id, TaskMessage Message)> Messages, int HistoryCount, string? HistoryExecutionId);
}
