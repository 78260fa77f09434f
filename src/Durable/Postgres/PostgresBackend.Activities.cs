using Npgsql;
using RankDistill.Durable.Backends;
using static RankDistill.Durable.Postgres.PostgresValues;

namespace RankDistill.Durable.Postgres;

/// <summary>Activity work items: lock from a queue, renew with heartbeats, complete, abandon.</summary>
public sealed partial class PostgresBackend
{
    public Task<IReadOnlyList<ActivityWorkItem>> LockNextActivitiesAsync(string queue, LockRequest request, int maxCount, Func<ActivityWorkItem, OutboundMessage?>? onLocked, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(queue);
        ArgumentNullException.ThrowIfNull(request);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxCount, 1);
        _listener?.Served(queue);
        return WriteAsync<IReadOnlyList<ActivityWorkItem>>("lock-activity", async c =>
        {
            var token = Guid.NewGuid().ToString("N");
            var items = new List<ActivityWorkItem>();
            await using (var command = Sql(c, _sql.LockActivities, P(queue), P(request.Now.UtcTicks), P(maxCount), P(request.WorkerId), P(token), P(request.LockedUntil.UtcTicks)))
            await using (var r = await command.ExecuteReaderAsync(cancellationToken))
            {
                while (await r.ReadAsync(cancellationToken))
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
            var started = items.Select(i => onLocked?.Invoke(i)).OfType<OutboundMessage>().ToList();
            if (started.Count > 0)
                await ExecuteAsync(c, MessageCommands(started, request.Now), cancellationToken);
            return items;
        }, cancellationToken);
    }

    public Task<bool> RenewActivityLockAsync(ActivityWorkItem item, DateTimeOffset lockedUntil, HeartbeatUpdate? heartbeat, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(item);
        // One statement that may run twice: a retry after a lost reply sets the same values again.
        return RunAsync("renew-activity", async c =>
        {
            await using var command = Sql(c, _sql.RenewActivity, P(item.Id), P(item.LockToken), P(lockedUntil.UtcTicks), P(heartbeat is not null), P(heartbeat?.Details));
            return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
        }, cancellationToken);
    }

    public async Task<bool> CompleteActivityAsync(ActivityWorkItem item, OutboundMessage result, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(item);
        ArgumentNullException.ThrowIfNull(result);
        IEnumerable<NpgsqlBatchCommand> Commands()
        {
            // The instance is held before the task is touched, in the order a step's commit takes them (instance,
            // then its tasks when it cancels them), so the two never deadlock.
            if (result.Wakes)
                yield return Command(_sql.HoldTargets, P((string[])[result.InstanceId]));
            yield return Command(_sql.FenceActivity, P(item.Id), P(item.LockToken));
            yield return InsertMessages([result], result.VisibleAt);
            if (_options.Notifications)
                yield return Command(_sql.NotifyIfUnlocked, P(_sql.Channel), P(result.InstanceId), P(result.VisibleAt.UtcTicks));
        }
        try
        {
            return await BatchAsync("complete-activity", Commands, async b =>
            {
                await b.ExecuteNonQueryAsync(cancellationToken);
                return true;
            }, cancellationToken);
        }
        catch (PostgresException e) when (IsLockLost(e))
        {
            return false;
        }
    }

    public Task<bool> AbandonActivityAsync(ActivityWorkItem item, DateTimeOffset visibleAt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(item);
        return BatchAsync("abandon-activity", () =>
            [Command(_sql.AbandonActivity, P(item.Id), P(item.LockToken), P(visibleAt.UtcTicks)), .. Notify([PostgresListener.QueuePrefix + item.Queue])],
            async b =>
            {
                await b.ExecuteNonQueryAsync(cancellationToken);
                return b.BatchCommands[0].RecordsAffected == 1;
            }, cancellationToken);
    }

    public Task<QueueDepths> GetQueueDepthsAsync(DateTimeOffset now, CancellationToken cancellationToken) =>
        RunAsync("depths", async c =>
        {
            var activities = new Dictionary<string, int>(StringComparer.Ordinal);
            await using (var command = Sql(c, _sql.ActivityDepths, P(now.UtcTicks)))
            await using (var r = await command.ExecuteReaderAsync(cancellationToken))
            {
                while (await r.ReadAsync(cancellationToken))
                    activities[r.GetString(0)] = r.GetInt32(1);
            }
            await using var count = Sql(c, _sql.OrchestrationDepth, P(now.UtcTicks));
            return new QueueDepths(activities, (int)(await count.ExecuteScalarAsync(cancellationToken))!);
        }, cancellationToken);
}
