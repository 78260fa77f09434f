using System.Globalization;
using System.Text;
using Npgsql;
using RankDistill.Durable.Backends;
using RankDistill.Durable.Client;
using RankDistill.Durable.History;
using static RankDistill.Durable.Postgres.PostgresValues;

namespace RankDistill.Durable.Postgres;

/// <summary>Instances: create, read, query, message, purge.</summary>
public sealed partial class PostgresBackend
{
    public Task CreateInstanceAsync(NewInstance instance, InstanceIdReusePolicy policy, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(instance);
        var id = instance.InstanceId;
        return WriteAsync("create", async c =>
        {
            while (true)
            {
                // Locks the row, so a concurrent creator or purger waits for this transaction.
                await using (var read = Sql(c, _sql.LockInstanceRow, P(id)))
                {
                    if (await read.ExecuteScalarAsync(cancellationToken) is string existing)
                    {
                        var status = Status(existing);
                        if (!InstanceIdReuse.Allows(policy, status))
                            throw new InstanceAlreadyExistsException(id, status);
                        await ExecuteAsync(c, [
                            Command(_sql.DeleteInstanceData, P(id)),
                            Command(_sql.ResetInstance, P(id), P(instance.Name), P(instance.CreatedAt.UtcTicks), P(instance.Input), P(NewEpoch())),
                        ], cancellationToken);
                        break;
                    }
                }
                await using var insert = Sql(c, _sql.InsertInstance, P(id), P(instance.Name), P(instance.CreatedAt.UtcTicks), P(instance.Input), P(NewEpoch()));
                if (await insert.ExecuteNonQueryAsync(cancellationToken) == 1)
                    break;
                // A concurrent creator committed the id first: judge its instance by the policy.
            }
            var start = new OutboundMessage(id, instance.Start, instance.StartAt);
            await ExecuteAsync(c, [.. MessageCommands([start], instance.CreatedAt), .. Notify([PostgresListener.Orchestrations])], cancellationToken);
            _histories.Forget(id);
            return 0;
        }, cancellationToken);
    }

    public Task<OrchestrationMetadata?> GetInstanceAsync(string instanceId, CancellationToken cancellationToken) =>
        RunAsync("get", async c =>
        {
            await using var command = Sql(c, _sql.SelectInstance, P(instanceId));
            await using var r = await command.ExecuteReaderAsync(cancellationToken);
            return await r.ReadAsync(cancellationToken) ? ReadInstance(r) : null;
        }, cancellationToken);

    public Task<InstancePage> QueryInstancesAsync(InstanceQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentOutOfRangeException.ThrowIfLessThan(query.PageSize, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(query.PageSize, 1000);
        var where = new List<string>();
        var parameters = new List<NpgsqlParameter>();
        void Add(string clause, params NpgsqlParameter[] values)
        {
            // {0}, {1}... in the clause become this command's $n.
            where.Add(string.Format(CultureInfo.InvariantCulture, clause, [.. values.Select((_, i) => $"${parameters.Count + i + 1}")]));
            parameters.AddRange(values);
        }
        if (query.Statuses is { Count: > 0 } statuses)
            Add("status = ANY({0})", P(statuses.Select(s => s.ToString()).ToArray()));
        if (query.Name is not null)
            Add("name = {0}", P(query.Name));
        if (query.CreatedFrom is { } from)
            Add("created_at >= {0}", P(from.UtcTicks));
        if (query.CreatedTo is { } to)
            Add("created_at < {0}", P(to.UtcTicks));
        if (query.InstanceIdPrefix is { Length: > 0 } prefix)
            Add("starts_with(instance_id, {0})", P(prefix)); // not LIKE: ids may hold % and _
        if (query.ContinuationToken is { } token)
        {
            var (ticks, lastId) = ParseToken(token);
            Add("(created_at < {0} OR (created_at = {0} AND instance_id > {1}))", P(ticks), P(lastId));
        }
        parameters.Add(P(query.PageSize + 1));
        var sql = $"""
            SELECT {PostgresSql.InstanceColumns} FROM {_options.SchemaName}.instances
            {(where.Count > 0 ? "WHERE " + string.Join(" AND ", where) : "")}
            ORDER BY created_at DESC, instance_id LIMIT ${parameters.Count}
            """;
        return RunAsync("query", async c =>
        {
            var list = new List<OrchestrationMetadata>();
            await using (var command = Sql(c, sql, [.. parameters.Select(p => p.Clone())]))
            await using (var r = await command.ExecuteReaderAsync(cancellationToken))
            {
                while (await r.ReadAsync(cancellationToken))
                    list.Add(ReadInstance(r));
            }
            string? next = null;
            if (list.Count > query.PageSize)
            {
                list.RemoveAt(list.Count - 1);
                next = MakeToken(list[^1]);
            }
            return new InstancePage(list, next);
        }, cancellationToken);
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

    public Task<IReadOnlyList<HistoryEvent>> GetHistoryAsync(string instanceId, CancellationToken cancellationToken) =>
        RunAsync("history", c => ReadHistoryAsync(c, instanceId, 0, cancellationToken), cancellationToken);

    private async Task<IReadOnlyList<HistoryEvent>> ReadHistoryAsync(NpgsqlConnection c, string instanceId, long fromSequence, CancellationToken cancellationToken)
    {
        await using var command = Sql(c, _sql.SelectHistory, P(instanceId), P(fromSequence));
        await using var r = await command.ExecuteReaderAsync(cancellationToken);
        var events = new List<HistoryEvent>();
        while (await r.ReadAsync(cancellationToken))
            events.Add(HistorySerializer.Deserialize(r.GetString(0)));
        return events;
    }

    private static string NewEpoch() => Guid.NewGuid().ToString("N");

    public Task<IReadOnlyList<PendingWork>> GetPendingWorkAsync(string instanceId, CancellationToken cancellationToken) =>
        RunAsync<IReadOnlyList<PendingWork>>("pending", async c =>
        {
            var work = new List<PendingWork>();
            await using (var command = Sql(c, _sql.SelectPendingTasks, P(instanceId)))
            await using (var r = await command.ExecuteReaderAsync(cancellationToken))
            {
                while (await r.ReadAsync(cancellationToken))
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
            await using (var command = Sql(c, _sql.SelectPendingMessages, P(instanceId)))
            await using (var r = await command.ExecuteReaderAsync(cancellationToken))
            {
                while (await r.ReadAsync(cancellationToken))
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
            return work;
        }, cancellationToken);

    public Task<bool> SendMessageAsync(OutboundMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        var now = _time.GetUtcNow();
        return WriteAsync("send", async c =>
        {
            await using var batch = new NpgsqlBatch(c);
            foreach (var command in (IEnumerable<NpgsqlBatchCommand>)[.. Notify(Wakeups([message], now)), .. MessageCommands([message], now)])
                batch.BatchCommands.Add(command);
            return await LastValueAsync(batch, cancellationToken) is 1;
        }, cancellationToken);
    }

    /// <summary>Holds the targets of waking messages (see <see cref="PostgresSql.HoldTargets"/>) and inserts the
    /// messages; the last command returns how many went in.</summary>
    private IEnumerable<NpgsqlBatchCommand> MessageCommands(IReadOnlyList<OutboundMessage> messages, DateTimeOffset now)
    {
        if (Woken(messages) is { Length: > 0 } woken)
            yield return Command(_sql.HoldTargets, P(woken));
        yield return InsertMessages(messages, now);
    }

    /// <summary>The targets of waking messages, once each.</summary>
    private static string[] Woken(IEnumerable<OutboundMessage> messages) =>
        [.. messages.Where(m => m.Wakes).Select(m => m.InstanceId).Distinct(StringComparer.Ordinal)];

    /// <summary>Inserts the messages whose target exists and brings their wake-up times forward (the caller holds the
    /// targets of waking ones); returns how many went in.</summary>
    private NpgsqlBatchCommand InsertMessages(IReadOnlyList<OutboundMessage> messages, DateTimeOffset now) =>
        Command(_sql.InsertMessages,
            P(messages.Select(m => m.InstanceId).ToArray()),
            P(messages.Select(m => m.Generation).ToArray()),
            P(messages.Select(m => EventType(m.Event)).ToArray()),
            P(messages.Select(m => HistorySerializer.Serialize(m.Event)).ToArray()),
            P(messages.Select(m => m.Wakes).ToArray()),
            P(messages.Select(m => m.VisibleAt.UtcTicks).ToArray()),
            P(now.UtcTicks));

    /// <summary>The orchestration wake-up for waking messages visible by <paramref name="now"/> (later ones are found by polling).</summary>
    private static IEnumerable<string> Wakeups(IEnumerable<OutboundMessage> messages, DateTimeOffset now) =>
        messages.Any(m => m.Wakes && m.VisibleAt <= now) ? [PostgresListener.Orchestrations] : [];

    public Task<bool> PurgeInstanceAsync(string instanceId, CancellationToken cancellationToken) =>
        WriteAsync("purge", async c =>
        {
            await using (var read = Sql(c, _sql.LockInstanceRow, P(instanceId)))
            {
                if (await read.ExecuteScalarAsync(cancellationToken) is not string text)
                    return false;
                var status = Status(text);
                if (!status.IsTerminal())
                    throw new InvalidOperationException($"Instance '{instanceId}' is {status}; only terminal instances can be purged (terminate it first).");
            }
            return (await PurgeAsync(c, _terminalStatuses,
                null, null, instanceId, cancellationToken)) == 1;
        }, cancellationToken);

    public Task<int> PurgeInstancesAsync(PurgeFilter filter, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var statuses = filter.Statuses is { Count: > 0 } s ? s : [OrchestrationRuntimeStatus.Completed, OrchestrationRuntimeStatus.Failed, OrchestrationRuntimeStatus.Terminated];
        var terminal = statuses.Where(x => x.IsTerminal()).Select(x => x.ToString()).ToArray();
        if (terminal.Length == 0)
            return Task.FromResult(0);
        return WriteAsync("purge", c => PurgeAsync(c, terminal, filter.CreatedFrom?.UtcTicks, filter.CreatedTo?.UtcTicks, null, cancellationToken), cancellationToken);
    }

    private async Task<int> PurgeAsync(NpgsqlConnection c, string[] statuses, long? from, long? to, string? instanceId, CancellationToken cancellationToken)
    {
        await using var command = Sql(c, _sql.PurgeInstances, P(statuses), P(from), P(to), P(instanceId));
        await using var r = await command.ExecuteReaderAsync(cancellationToken);
        var count = 0;
        while (await r.ReadAsync(cancellationToken))
        {
            _histories.Forget(r.GetString(0));
            count++;
        }
        return count;
    }

    private static readonly string[] _terminalStatuses =
        [nameof(OrchestrationRuntimeStatus.Completed), nameof(OrchestrationRuntimeStatus.Failed), nameof(OrchestrationRuntimeStatus.Terminated)];

    private static NpgsqlCommand Sql(NpgsqlConnection connection, string sql, params NpgsqlParameter[] parameters)
    {
        var command = new NpgsqlCommand(sql, connection);
        foreach (var parameter in parameters)
            command.Parameters.Add(parameter);
        return command;
    }
}
