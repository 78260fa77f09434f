using RankDistill.Durable.Backends;
using static RankDistill.Durable.Sqlite.SqliteValues;

namespace RankDistill.Durable.Sqlite;

/// <summary>Activity work items: lock from a queue, renew with heartbeats, complete, abandon.</summary>
public sealed partial class SqliteBackend
{
    public Task<IReadOnlyList<ActivityWorkItem>> LockNextActivitiesAsync(string queue, LockRequest request, int maxCount, Func<ActivityWorkItem, OutboundMessage?>? onLocked, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxCount, 1);
        if (!HasWork("SELECT EXISTS (SELECT 1 FROM Tasks WHERE Queue = $queue AND VisibleAt <= $now)", request.Now, queue))
            return Task.FromResult<IReadOnlyList<ActivityWorkItem>>([]);
        var token = Guid.NewGuid().ToString("N");
        return WriteAsync<IReadOnlyList<ActivityWorkItem>>("lock-activity", (c, t) =>
        {
            var items = new List<ActivityWorkItem>();
            using (var command = Command(c, t, """
                UPDATE Tasks SET LockedBy = $by, LockToken = $token || '-' || Id, LockedUntil = $until, VisibleAt = $until, DispatchCount = DispatchCount + 1
                WHERE Id IN (SELECT Id FROM Tasks WHERE Queue = $queue AND VisibleAt <= $now ORDER BY VisibleAt, Id LIMIT $max)
                RETURNING Id, InstanceId, Generation, TaskId, Name, Queue, Input, Attempt, DispatchCount, EnqueuedAt, HeartbeatDetails, HeartbeatTimeoutTicks, LockToken
                """,
                ("$by", request.WorkerId), ("$token", token), ("$until", request.LockedUntil.UtcTicks), ("$queue", queue),
                ("$now", request.Now.UtcTicks), ("$max", maxCount)))
            using (var r = command.ExecuteReader())
            {
                while (r.Read())
                {
                    items.Add(new ActivityWorkItem
                    {
                        Id = r.GetInt64(0),
                        InstanceId = r.GetString(1),
                        Generation = r.GetInt32(2),
                        TaskId = r.GetInt32(3),
                        Name = r.GetString(4),
                        Queue = r.GetString(5),
                        Input = Text(r, 6),
                        Attempt = r.GetInt32(7),
                        DispatchCount = r.GetInt32(8),
                        EnqueuedAt = Time(r.GetInt64(9)),
                        HeartbeatDetails = Text(r, 10),
                        HeartbeatTimeout = r.IsDBNull(11) ? null : TimeSpan.FromTicks(r.GetInt64(11)),
                        WorkerId = request.WorkerId,
                        LockToken = r.GetString(12),
                        LockedUntil = request.LockedUntil,
                    });
                }
            }
            items.Sort((a, b) => a.Id.CompareTo(b.Id));
            foreach (var item in items)
            {
                if (onLocked?.Invoke(item) is { } message)
                    InsertMessage(c, t, message, request.Now);
            }
            return items;
        }, cancellationToken);
    }

    public Task<bool> RenewActivityLockAsync(ActivityWorkItem item, DateTimeOffset lockedUntil, HeartbeatUpdate? heartbeat, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(item);
        var sql = heartbeat is null
            ? "UPDATE Tasks SET LockedUntil = $until, VisibleAt = $until WHERE Id = $id AND LockToken = $token"
            : "UPDATE Tasks SET LockedUntil = $until, VisibleAt = $until, HeartbeatDetails = $hb WHERE Id = $id AND LockToken = $token";
        return WriteAsync("renew-activity", (c, t) =>
            Execute(c, t, sql, ("$until", lockedUntil.UtcTicks), ("$id", item.Id), ("$token", item.LockToken), ("$hb", heartbeat?.Details)) == 1,
            cancellationToken);
    }

    public Task<bool> CompleteActivityAsync(ActivityWorkItem item, OutboundMessage result, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(item);
        ArgumentNullException.ThrowIfNull(result);
        return WriteAsync("complete-activity", (c, t) =>
        {
            // The fence comes first: when it fails nothing else is written.
            if (Execute(c, t, "DELETE FROM Tasks WHERE Id = $id AND LockToken = $token", ("$id", item.Id), ("$token", item.LockToken)) == 0)
                return false;
            InsertMessage(c, t, result, result.VisibleAt);
            return true;
        }, cancellationToken);
    }

    public Task<bool> AbandonActivityAsync(ActivityWorkItem item, DateTimeOffset visibleAt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(item);
        return WriteAsync("abandon-activity", (c, t) =>
            Execute(c, t, "UPDATE Tasks SET LockedBy = NULL, LockToken = NULL, LockedUntil = NULL, VisibleAt = $visible, DispatchCount = DispatchCount - 1 WHERE Id = $id AND LockToken = $token",
                ("$visible", visibleAt.UtcTicks), ("$id", item.Id), ("$token", item.LockToken)) == 1,
            cancellationToken);
    }

    public Task<QueueDepths> GetQueueDepthsAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        using var c = OpenReader();
        var activities = new Dictionary<string, int>(StringComparer.Ordinal);
        using (var command = Command(c, null, "SELECT Queue, COUNT(*) FROM Tasks WHERE VisibleAt <= $now GROUP BY Queue", ("$now", now.UtcTicks)))
        using (var r = command.ExecuteReader())
        {
            while (r.Read())
                activities[r.GetString(0)] = r.GetInt32(1);
        }
        using var count = Command(c, null, "SELECT COUNT(*) FROM Instances WHERE NextWakeAt <= $now", ("$now", now.UtcTicks));
        var orchestrations = Convert.ToInt32(count.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
        return Task.FromResult(new QueueDepths(activities, orchestrations));
    }
}
