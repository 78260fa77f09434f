using System.Globalization;
using System.Text;
using Microsoft.Data.Sqlite;
using RankDistill.Durable.Backends;
using RankDistill.Durable.Client;
using RankDistill.Durable.History;
using static RankDistill.Durable.Sqlite.SqliteValues;

namespace RankDistill.Durable.Sqlite;

/// <summary>Instances: create, read, query, message, purge.</summary>
public sealed partial class SqliteBackend
{
    public Task CreateInstanceAsync(NewInstance instance, InstanceIdReusePolicy policy, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(instance);
        return WriteAsync("create", (c, t) =>
        {
            using (var read = Command(c, t, "SELECT Status, Generation FROM Instances WHERE InstanceId = $id", ("$id", instance.InstanceId)))
            using (var r = read.ExecuteReader())
            {
                if (r.Read())
                {
                    var status = Status(r.GetString(0));
                    if (!InstanceIdReuse.Allows(policy, status))
                        throw new InstanceAlreadyExistsException(instance.InstanceId, status);
                }
            }
            DeleteInstanceData(c, t, instance.InstanceId, keepRow: true);
            Execute(c, t, """
                INSERT INTO Instances (InstanceId, Name, Status, Generation, CreatedAt, UpdatedAt, Input, HistoryEpoch)
                VALUES ($id, $name, 'Pending', 0, $now, $now, $input, $epoch)
                ON CONFLICT (InstanceId) DO UPDATE SET Name = $name, Status = 'Pending', CreatedAt = $now, UpdatedAt = $now, HistoryEpoch = $epoch,
                    CompletedAt = NULL, Input = $input, Output = NULL, CustomStatus = NULL, Failure = NULL,
                    ParentInstanceId = NULL, LockedBy = NULL, LockToken = NULL, LockedUntil = NULL
                """,
                ("$id", instance.InstanceId), ("$name", instance.Name), ("$now", instance.CreatedAt.UtcTicks), ("$input", instance.Input), ("$epoch", NewEpoch()));
            InsertMessage(c, t, new OutboundMessage(instance.InstanceId, instance.Start, instance.StartAt), instance.CreatedAt);
            return 0;
        }, cancellationToken);
    }

    public Task<OrchestrationMetadata?> GetInstanceAsync(string instanceId, CancellationToken cancellationToken)
    {
        using var c = OpenReader();
        return Task.FromResult(ReadInstance(c, null, instanceId));
    }

    private static OrchestrationMetadata? ReadInstance(SqliteConnection c, SqliteTransaction? t, string instanceId)
    {
        using var command = Command(c, t, $"SELECT {InstanceColumns} FROM Instances WHERE InstanceId = $id", ("$id", instanceId));
        using var r = command.ExecuteReader();
        return r.Read() ? SqliteValues.ReadInstance(r) : null;
    }

    public Task<InstancePage> QueryInstancesAsync(InstanceQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentOutOfRangeException.ThrowIfLessThan(query.PageSize, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(query.PageSize, 1000);
        using var c = OpenReader();
        using var command = c.CreateCommand();
        var where = new List<string>();
        if (query.Statuses is { Count: > 0 } statuses)
        {
            var names = statuses.Select((s, i) => $"$s{i}").ToList();
            where.Add($"Status IN ({string.Join(", ", names)})");
            foreach (var (s, i) in statuses.Select((s, i) => (s, i)))
                command.Parameters.AddWithValue($"$s{i}", s.ToString());
        }
        if (query.Name is not null)
            Add("Name = $name", "$name", query.Name);
        if (query.CreatedFrom is { } from)
            Add("CreatedAt >= $from", "$from", from.UtcTicks);
        if (query.CreatedTo is { } to)
            Add("CreatedAt < $to", "$to", to.UtcTicks);
        if (query.InstanceIdPrefix is { Length: > 0 } prefix)
        {
            // substr, not LIKE: ids may hold % and _.
            Add("substr(InstanceId, 1, length($prefix)) = $prefix", "$prefix", prefix);
        }
        if (query.ContinuationToken is { } token)
        {
            var (ticks, id) = ParseToken(token);
            where.Add("(CreatedAt < $ctTicks OR (CreatedAt = $ctTicks AND InstanceId > $ctId))");
            command.Parameters.AddWithValue("$ctTicks", ticks);
            command.Parameters.AddWithValue("$ctId", id);
        }
        command.CommandText = $"""
            SELECT {InstanceColumns} FROM Instances
            {(where.Count > 0 ? "WHERE " + string.Join(" AND ", where) : "")}
            ORDER BY CreatedAt DESC, InstanceId LIMIT $limit
            """;
        command.Parameters.AddWithValue("$limit", query.PageSize + 1);
        var list = new List<OrchestrationMetadata>();
        using (var r = command.ExecuteReader())
        {
            while (r.Read())
                list.Add(SqliteValues.ReadInstance(r));
        }
        string? next = null;
        if (list.Count > query.PageSize)
        {
            list.RemoveAt(list.Count - 1);
            next = MakeToken(list[^1]);
        }
        return Task.FromResult(new InstancePage(list, next));

        void Add(string clause, string name, object value)
        {
            where.Add(clause);
            command.Parameters.AddWithValue(name, value);
        }
    }

    private static string MakeToken(OrchestrationMetadata last) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes($"{last.CreatedAt.UtcTicks.ToString(CultureInfo.InvariantCulture)}|{last.InstanceId}"));

    private static (long Ticks, string Id) ParseToken(string token)
    {
        try
        {
            var text = Encoding.UTF8.GetString(Convert.FromBase64String(token));
            var bar = text.IndexOf('|', StringComparison.Ordinal);
            return (long.Parse(text[..bar], CultureInfo.InvariantCulture), text[(bar + 1)..]);
        }
        catch (Exception e) when (e is FormatException or ArgumentException)
        {
            throw new ArgumentException("The continuation token is not one this backend made.", nameof(token), e);
        }
    }

    public Task<IReadOnlyList<HistoryEvent>> GetHistoryAsync(string instanceId, CancellationToken cancellationToken)
    {
        using var c = OpenReader();
        return Task.FromResult(ReadHistory(c, instanceId));
    }

    private static IReadOnlyList<HistoryEvent> ReadHistory(SqliteConnection c, string instanceId, long fromSequence = 0)
    {
        using var command = Command(c, null, "SELECT Event FROM History WHERE InstanceId = $id AND Sequence >= $from ORDER BY Sequence",
            ("$id", instanceId), ("$from", fromSequence));
        using var r = command.ExecuteReader();
        var events = new List<HistoryEvent>();
        while (r.Read())
            events.Add(HistorySerializer.Deserialize(r.GetString(0)));
        return events;
    }

    private static string NewEpoch() => Guid.NewGuid().ToString("N");

    public Task<IReadOnlyList<PendingWork>> GetPendingWorkAsync(string instanceId, CancellationToken cancellationToken)
    {
        using var c = OpenReader();
        var work = new List<PendingWork>();
        using (var command = Command(c, null, """
            SELECT Name, Queue, TaskId, Attempt, EnqueuedAt, VisibleAt, DispatchCount, LockedBy, LockedUntil, HeartbeatDetails
            FROM Tasks WHERE InstanceId = $id ORDER BY Id
            """, ("$id", instanceId)))
        using (var r = command.ExecuteReader())
        {
            while (r.Read())
            {
                var lockedBy = Text(r, 7);
                work.Add(new PendingWork
                {
                    Kind = PendingWorkKind.Activity,
                    Name = r.GetString(0),
                    Queue = r.GetString(1),
                    TaskId = r.GetInt32(2),
                    Attempt = r.GetInt32(3),
                    EnqueuedAt = Time(r.GetInt64(4)),
                    VisibleAt = Time(r.GetInt64(5)),
                    DispatchCount = r.GetInt32(6),
                    LockedBy = lockedBy,
                    LockedUntil = lockedBy is null ? null : Time(r, 8),
                    HeartbeatDetails = Text(r, 9),
                });
            }
        }
        using (var command = Command(c, null, "SELECT EventType, Event, EnqueuedAt, VisibleAt, DequeueCount FROM Inbox WHERE InstanceId = $id ORDER BY Id", ("$id", instanceId)))
        using (var r = command.ExecuteReader())
        {
            while (r.Read())
            {
                var e = HistorySerializer.Deserialize(r.GetString(1));
                work.Add(new PendingWork
                {
                    Kind = PendingWorkKind.Message,
                    Name = r.GetString(0),
                    TaskId = e is ResultEvent result ? result.TaskId : null,
                    EnqueuedAt = Time(r.GetInt64(2)),
                    VisibleAt = Time(r.GetInt64(3)),
                    DispatchCount = r.GetInt32(4),
                });
            }
        }
        return Task.FromResult<IReadOnlyList<PendingWork>>(work);
    }

    public Task<bool> SendMessageAsync(OutboundMessage message, CancellationToken cancellationToken) =>
        WriteAsync("send", (c, t) => InsertMessage(c, t, message, _time.GetUtcNow()), cancellationToken);

    /// <summary>Inserts into the inbox when the target exists, and brings its wake-up time forward.</summary>
    private static bool InsertMessage(SqliteConnection c, SqliteTransaction t, OutboundMessage m, DateTimeOffset now)
    {
        var inserted = Execute(c, t, """
            INSERT INTO Inbox (InstanceId, Generation, EventType, Event, Wakes, EnqueuedAt, VisibleAt)
            SELECT $id, $gen, $type, $event, $wakes, $now, $visible
            WHERE EXISTS (SELECT 1 FROM Instances WHERE InstanceId = $id)
            """,
            ("$id", m.InstanceId), ("$gen", m.Generation), ("$type", EventType(m.Event)), ("$event", HistorySerializer.Serialize(m.Event)),
            ("$wakes", m.Wakes ? 1 : 0), ("$now", now.UtcTicks), ("$visible", m.VisibleAt.UtcTicks)) == 1;
        if (inserted && m.Wakes)
        {
            Execute(c, t, "UPDATE Instances SET NextWakeAt = MIN(COALESCE(NextWakeAt, $visible), $visible) WHERE InstanceId = $id",
                ("$visible", m.VisibleAt.UtcTicks), ("$id", m.InstanceId));
        }
        return inserted;
    }

    /// <summary>Recomputes the wake-up time from the inbox (after messages were consumed or hidden).</summary>
    private static void RefreshWake(SqliteConnection c, SqliteTransaction t, string instanceId) =>
        Execute(c, t, "UPDATE Instances SET NextWakeAt = (SELECT MIN(VisibleAt) FROM Inbox WHERE InstanceId = $id AND Wakes = 1) WHERE InstanceId = $id",
            ("$id", instanceId));

    public Task<bool> PurgeInstanceAsync(string instanceId, CancellationToken cancellationToken) =>
        WriteAsync("purge", (c, t) =>
        {
            var instance = ReadInstance(c, t, instanceId);
            if (instance is null)
                return false;
            if (!instance.RuntimeStatus.IsTerminal())
                throw new InvalidOperationException($"Instance '{instanceId}' is {instance.RuntimeStatus}; only terminal instances can be purged (terminate it first).");
            DeleteInstanceData(c, t, instanceId, keepRow: false);
            return true;
        }, cancellationToken);

    public Task<int> PurgeInstancesAsync(PurgeFilter filter, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var statuses = filter.Statuses is { Count: > 0 } s ? s : [OrchestrationRuntimeStatus.Completed, OrchestrationRuntimeStatus.Failed, OrchestrationRuntimeStatus.Terminated];
        return WriteAsync("purge", (c, t) =>
        {
            var ids = new List<string>();
            var inList = string.Join(", ", statuses.Where(x => x.IsTerminal()).Select(x => $"'{x}'"));
            if (inList.Length == 0)
                return 0;
            using (var select = Command(c, t, $"""
                SELECT InstanceId FROM Instances WHERE Status IN ({inList})
                AND ($from IS NULL OR CreatedAt >= $from) AND ($to IS NULL OR CreatedAt < $to)
                """, ("$from", filter.CreatedFrom?.UtcTicks), ("$to", filter.CreatedTo?.UtcTicks)))
            using (var r = select.ExecuteReader())
            {
                while (r.Read())
                    ids.Add(r.GetString(0));
            }
            foreach (var id in ids)
                DeleteInstanceData(c, t, id, keepRow: false);
            return ids.Count;
        }, cancellationToken);
    }

    private void DeleteInstanceData(SqliteConnection c, SqliteTransaction t, string instanceId, bool keepRow)
    {
        Execute(c, t, "DELETE FROM History WHERE InstanceId = $id", ("$id", instanceId));
        _histories.Forget(instanceId);
        Execute(c, t, "DELETE FROM Inbox WHERE InstanceId = $id", ("$id", instanceId));
        Execute(c, t, "UPDATE Instances SET NextWakeAt = NULL WHERE InstanceId = $id", ("$id", instanceId));
        Execute(c, t, "DELETE FROM Tasks WHERE InstanceId = $id", ("$id", instanceId));
        if (!keepRow)
            Execute(c, t, "DELETE FROM Instances WHERE InstanceId = $id", ("$id", instanceId));
    }
}
