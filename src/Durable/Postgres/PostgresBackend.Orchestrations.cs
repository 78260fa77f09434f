using Npgsql;
using RankDistill.Durable.Backends;
using RankDistill.Durable.Client;
using RankDistill.Durable.History;
using static RankDistill.Durable.Postgres.PostgresValues;

namespace RankDistill.Durable.Postgres;

/// <summary>Orchestration work items: lock an instance with its messages, commit a step, abandon.</summary>
public sealed partial class PostgresBackend
{
    public async Task<OrchestrationWorkItem?> LockNextOrchestrationAsync(LockRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var token = Guid.NewGuid().ToString("N");
        // One statement locks the instance and takes its messages. Should its reply be lost, a retry cannot take
        // the same instance again: the lock stays until it expires and the messages are delivered then.
        var locked = await RunAsync("lock-orchestration", async c =>
        {
            await using var command = Sql(c, _sql.LockOrchestration, P(request.Now.UtcTicks), P(request.WorkerId), P(token), P(request.LockedUntil.UtcTicks));
            await using var r = await command.ExecuteReaderAsync(cancellationToken);
            if (!await r.ReadAsync(cancellationToken))
                return null;
            var instance = ReadInstance(r);
            var messages = new List<InboxMessage>();
            if (!r.IsDBNull(14))
            {
                var ids = r.GetFieldValue<long[]>(14);
                var events = r.GetFieldValue<string[]>(15);
                var generations = r.GetFieldValue<int?[]>(16);
                var enqueued = r.GetFieldValue<long[]>(17);
                var counts = r.GetFieldValue<int[]>(18);
                for (var i = 0; i < ids.Length; i++)
                    messages.Add(new InboxMessage(ids[i], HistorySerializer.Deserialize(events[i]), generations[i], Time(enqueued[i]), counts[i]));
            }
            return new LockedInstance(instance, r.GetString(13), messages);
        }, cancellationToken);
        if (locked is null)
            return null;
        // History is read outside the locking statement (the lock keeps other writers off it), and only the part
        // not already cached.
        var id = locked.Instance.InstanceId;
        var history = await _histories.LoadAsync(id, locked.Epoch, from =>
            RunAsync("history", c => ReadHistoryAsync(c, id, from, cancellationToken), cancellationToken));
        return new OrchestrationWorkItem(id, token, request.LockedUntil, locked.Instance, history, locked.Messages);
    }

    public async Task CompleteOrchestrationAsync(OrchestrationWorkItem item, OrchestrationCommit commit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(item);
        ArgumentNullException.ThrowIfNull(commit);
        var u = commit.Instance;
        var id = item.InstanceId;
        var wakeups = new List<string>(commit.Tasks.Select(t => PostgresListener.QueuePrefix + t.Queue));
        wakeups.AddRange(Wakeups(commit.Messages, u.UpdatedAt));
        if (commit.CancelPendingTasks)
            wakeups.Add(PostgresListener.Cancellations);
        if (u.Status != item.Instance.RuntimeStatus || commit.ReplaceHistory)
            wakeups.Add(PostgresListener.InstanceChanged);
        IEnumerable<NpgsqlBatchCommand> Commands()
        {
            yield return Command(_sql.LockForStep, P((string[])[id, .. Woken(commit.Messages)]));
            yield return Command(_sql.FenceOrchestration, P(id), P(item.LockToken), P(u.Name), P(u.Status.ToString()), P(u.Generation), P(u.Input),
                P(u.Output), P(u.CustomStatus), P(u.Failure is null ? null : HistorySerializer.SerializeFailure(u.Failure)),
                P(u.ParentInstanceId), P(u.UpdatedAt.UtcTicks), P(u.CompletedAt?.UtcTicks), P(commit.ReplaceHistory ? NewEpoch() : null));
            if (commit.ReplaceHistory)
                yield return Command(_sql.DeleteHistory, P(id));
            if (commit.History.Count > 0)
            {
                // Fixed sequence numbers after the history the step saw: the primary key refuses a double append.
                long first = commit.ReplaceHistory ? 0 : item.History.Count;
                yield return Command(_sql.AppendHistory, P(id), P(first),
                    P(commit.History.Select(EventType).ToArray()), P(commit.History.Select(HistorySerializer.Serialize).ToArray()));
            }
            if (item.Messages.Count > 0)
                yield return Command(_sql.DeleteMessages, P(item.Messages.Select(m => m.Id).ToArray()));
            if (commit.CancelPendingTasks)
                yield return Command(_sql.DeleteTasks, P(id));
            if (commit.Children.Count > 0)
                yield return InsertChildren(commit.Children);
            if (commit.Tasks.Count > 0)
                yield return InsertTasks(id, commit.Tasks);
            if (commit.Messages.Count > 0)
                yield return InsertMessages(commit.Messages, u.UpdatedAt);
            foreach (var command in Notify(wakeups))
                yield return command;
            yield return Command(_sql.RefreshWake, P(id));
        }
        object? nextWake;
        try
        {
            // One batch, one round trip, one transaction: when the fence raises, nothing after it runs and
            // nothing before it stays.
            nextWake = await BatchAsync("complete-orchestration", Commands, b => LastValueAsync(b, cancellationToken), cancellationToken);
        }
        catch (PostgresException e) when (IsLockLost(e))
        {
            throw new LockLostException($"The lock on instance '{id}' was lost; the step was not committed and will run again.", e);
        }
        // Messages that arrived during the step: this process takes the next step at once (no notification
        // woke anyone for them while the instance was locked; see PostgresSql.NotifyIfUnlocked).
        if (nextWake is long wake && wake <= u.UpdatedAt.UtcTicks)
            _signal?.NotifyOrchestrations();
        if (commit.ReplaceHistory || u.Status.IsTerminal())
            _histories.Forget(id);
    }

    private NpgsqlBatchCommand InsertChildren(IReadOnlyList<ChildInstance> children) =>
        Command(_sql.InsertChildren,
            P(children.Select(c => c.InstanceId).ToArray()),
            P(children.Select(c => c.Name).ToArray()),
            P(children.Select(c => c.CreatedAt.UtcTicks).ToArray()),
            P(children.Select(c => c.ParentInstanceId).ToArray()),
            P(children.Select(_ => NewEpoch()).ToArray()));

    private NpgsqlBatchCommand InsertTasks(string instanceId, IReadOnlyList<NewActivityTask> tasks) =>
        Command(_sql.InsertTasks, P(instanceId),
            P(tasks.Select(t => t.Generation).ToArray()),
            P(tasks.Select(t => t.TaskId).ToArray()),
            P(tasks.Select(t => t.Name).ToArray()),
            P(tasks.Select(t => t.Queue).ToArray()),
            P(tasks.Select(t => t.Input).ToArray()),
            P(tasks.Select(t => t.Attempt).ToArray()),
            P(tasks.Select(t => t.EnqueuedAt.UtcTicks).ToArray()),
            P(tasks.Select(t => t.HeartbeatDetails).ToArray()),
            P(tasks.Select(t => t.HeartbeatTimeout?.Ticks).ToArray()));

    public async Task AbandonOrchestrationAsync(OrchestrationWorkItem item, DateTimeOffset visibleAt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(item);
        try
        {
            await BatchAsync("abandon-orchestration", () =>
            [
                Command(_sql.LockInstanceRow, P(item.InstanceId)),
                Command(_sql.UnlockOrchestration, P(item.InstanceId), P(item.LockToken)),
                Command(_sql.HideMessages, P(item.Messages.Select(m => m.Id).ToArray()), P(visibleAt.UtcTicks)),
                Command(_sql.RefreshWake, P(item.InstanceId)),
            ], b => b.ExecuteNonQueryAsync(cancellationToken), cancellationToken);
        }
        catch (PostgresException e) when (IsLockLost(e))
        {
            // Someone else holds it now: nothing to release.
        }
    }

    private sealed record LockedInstance(OrchestrationMetadata Instance, string Epoch, List<InboxMessage> Messages);
}
