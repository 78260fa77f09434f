using Microsoft.Data.Sqlite;
using RankDistill.Durable.Backends;
using RankDistill.Durable.History;
using static RankDistill.Durable.Sqlite.SqliteValues;

namespace RankDistill.Durable.Sqlite;

/// <summary>Orchestration work items: lock an instance with its messages, commit a step, abandon.</summary>
public sealed partial class SqliteBackend
{
    public async Task<OrchestrationWorkItem?> LockNextOrchestrationAsync(LockRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!HasWork("SELECT EXISTS (SELECT 1 FROM Instances WHERE NextWakeAt <= $now AND (LockedUntil IS NULL OR LockedUntil <= $now))", request.Now))
            return null;
        var token = Guid.NewGuid().ToString("N");
        var locked = await WriteAsync<(Client.OrchestrationMetadata Instance, List<InboxMessage> Messages, string Epoch)?>("lock-orchestration", (c, t) =>
        {
            string? instanceId;
            using (var find = Command(c, t, """
                SELECT InstanceId FROM Instances
                WHERE NextWakeAt <= $now AND (LockedUntil IS NULL OR LockedUntil <= $now)
                ORDER BY NextWakeAt LIMIT 1
                """, ("$now", request.Now.UtcTicks)))
            {
                instanceId = find.ExecuteScalar() as string;
            }
            if (instanceId is null)
                return null;
            Execute(c, t, "UPDATE Instances SET LockedBy = $by, LockToken = $token, LockedUntil = $until WHERE InstanceId = $id",
                ("$by", request.WorkerId), ("$token", token), ("$until", request.LockedUntil.UtcTicks), ("$id", instanceId));
            var messages = new List<InboxMessage>();
            using (var take = Command(c, t, """
                UPDATE Inbox SET DequeueCount = DequeueCount + 1 WHERE InstanceId = $id AND VisibleAt <= $now
                RETURNING Id, Event, Generation, EnqueuedAt, DequeueCount
                """, ("$id", instanceId), ("$now", request.Now.UtcTicks)))
            using (var r = take.ExecuteReader())
            {
                while (r.Read())
                {
                    messages.Add(new InboxMessage(r.GetInt64(0), HistorySerializer.Deserialize(r.GetString(1)), Int(r, 2), Time(r.GetInt64(3)), r.GetInt32(4)));
                }
            }
            messages.Sort((a, b) => a.Id.CompareTo(b.Id));
            var instance = ReadInstance(c, t, instanceId)!;
            using var epoch = Command(c, t, "SELECT HistoryEpoch FROM Instances WHERE InstanceId = $id", ("$id", instanceId));
            return (instance, messages, (string)epoch.ExecuteScalar()!);
        }, cancellationToken);
        if (locked is not var (meta, inbox, epoch))
            return null;
        // History is read outside the write transaction (the lock keeps other writers off it), and
        // only the part not already cached.
        using var reader = OpenReader();
        var history = _histories.Load(meta.InstanceId, epoch, from => ReadHistory(reader, meta.InstanceId, from));
        return new OrchestrationWorkItem(meta.InstanceId, token, request.LockedUntil, meta, history, inbox);
    }

    public Task CompleteOrchestrationAsync(OrchestrationWorkItem item, OrchestrationCommit commit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(item);
        ArgumentNullException.ThrowIfNull(commit);
        return WriteAsync("complete-orchestration", (c, t) =>
        {
            var u = commit.Instance;
            var fenced = Execute(c, t, """
                UPDATE Instances SET Name = $name, Status = $status, Generation = $gen, Input = $input, Output = $output,
                    CustomStatus = $custom, Failure = $failure, ParentInstanceId = $parent, UpdatedAt = $updated, CompletedAt = $completed,
                    LockedBy = NULL, LockToken = NULL, LockedUntil = NULL,
                    HistoryEpoch = CASE WHEN $replace THEN $epoch ELSE HistoryEpoch END
                WHERE InstanceId = $id AND LockToken = $token
                """, ("$replace", commit.ReplaceHistory), ("$epoch", NewEpoch()),
                ("$name", u.Name), ("$status", u.Status.ToString()), ("$gen", u.Generation), ("$input", u.Input), ("$output", u.Output),
                ("$custom", u.CustomStatus), ("$failure", u.Failure is null ? null : HistorySerializer.SerializeFailure(u.Failure)),
                ("$parent", u.ParentInstanceId), ("$updated", u.UpdatedAt.UtcTicks), ("$completed", u.CompletedAt?.UtcTicks),
                ("$id", item.InstanceId), ("$token", item.LockToken));
            if (fenced == 0)
                throw new LockLostException($"The lock on instance '{item.InstanceId}' was lost; the step was not committed and will run again.");

            AppendHistory(c, t, item.InstanceId, commit);
            if (commit.ReplaceHistory || u.Status.IsTerminal())
                _histories.Forget(item.InstanceId);
            using (var delete = Command(c, t, "DELETE FROM Inbox WHERE Id = $mid", ("$mid", 0L)))
            {
                foreach (var message in item.Messages)
                {
                    delete.Parameters["$mid"].Value = message.Id;
                    delete.ExecuteNonQuery();
                }
            }
            if (commit.CancelPendingTasks)
                Execute(c, t, "DELETE FROM Tasks WHERE InstanceId = $id", ("$id", item.InstanceId));
            foreach (var child in commit.Children)
            {
                Execute(c, t, """
                    INSERT INTO Instances (InstanceId, Name, Status, Generation, CreatedAt, UpdatedAt, ParentInstanceId)
                    VALUES ($id, $name, 'Pending', 0, $now, $now, $parent) ON CONFLICT (InstanceId) DO NOTHING
                    """, ("$id", child.InstanceId), ("$name", child.Name), ("$now", child.CreatedAt.UtcTicks), ("$parent", child.ParentInstanceId));
            }
            foreach (var task in commit.Tasks)
                InsertTask(c, t, item.InstanceId, task);
            foreach (var message in commit.Messages)
                InsertMessage(c, t, message, u.UpdatedAt);
            RefreshWake(c, t, item.InstanceId);
            return 0;
        }, cancellationToken);
    }

    private static void AppendHistory(SqliteConnection c, SqliteTransaction t, string instanceId, OrchestrationCommit commit)
    {
        long next = 0;
        if (commit.ReplaceHistory)
        {
            Execute(c, t, "DELETE FROM History WHERE InstanceId = $id", ("$id", instanceId));
        }
        else
        {
            using var max = Command(c, t, "SELECT COALESCE(MAX(Sequence) + 1, 0) FROM History WHERE InstanceId = $id", ("$id", instanceId));
            next = (long)max.ExecuteScalar()!;
        }
        using var insert = Command(c, t, "INSERT INTO History (InstanceId, Sequence, EventType, Event) VALUES ($id, $seq, $type, $event)",
            ("$id", instanceId), ("$seq", 0L), ("$type", ""), ("$event", ""));
        foreach (var e in commit.History)
        {
            insert.Parameters["$seq"].Value = next++;
            insert.Parameters["$type"].Value = EventType(e);
            insert.Parameters["$event"].Value = HistorySerializer.Serialize(e);
            insert.ExecuteNonQuery();
        }
    }

    private static void InsertTask(SqliteConnection c, SqliteTransaction t, string instanceId, NewActivityTask task) =>
        Execute(c, t, """
            INSERT INTO Tasks (InstanceId, Generation, TaskId, Name, Queue, Input, Attempt, EnqueuedAt, VisibleAt, HeartbeatDetails, HeartbeatTimeoutTicks)
            VALUES ($id, $gen, $task, $name, $queue, $input, $attempt, $now, $now, $hb, $hbt)
            """,
            ("$id", instanceId), ("$gen", task.Generation), ("$task", task.TaskId), ("$name", task.Name), ("$queue", task.Queue),
            ("$input", task.Input), ("$attempt", task.Attempt), ("$now", task.EnqueuedAt.UtcTicks), ("$hb", task.HeartbeatDetails),
            ("$hbt", task.HeartbeatTimeout?.Ticks));

    public Task AbandonOrchestrationAsync(OrchestrationWorkItem item, DateTimeOffset visibleAt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(item);
        return WriteAsync("abandon-orchestration", (c, t) =>
        {
            var fenced = Execute(c, t, "UPDATE Instances SET LockedBy = NULL, LockToken = NULL, LockedUntil = NULL WHERE InstanceId = $id AND LockToken = $token",
                ("$id", item.InstanceId), ("$token", item.LockToken));
            if (fenced == 0)
                return 0;
            using var hide = Command(c, t, "UPDATE Inbox SET VisibleAt = $visible WHERE Id = $mid", ("$visible", visibleAt.UtcTicks), ("$mid", 0L));
            foreach (var message in item.Messages)
            {
                hide.Parameters["$mid"].Value = message.Id;
                hide.ExecuteNonQuery();
            }
            RefreshWake(c, t, item.InstanceId);
            return 0;
        }, cancellationToken);
    }
}
