using DurableTask.Core;
using DurableTask.Core.Exceptions;
using DurableTask.Core.History;
using Microsoft.Extensions.Logging;

namespace RankDistill.TaskHub.Sqlite;

/// <summary>The client's side of instances: create, send, terminate, read state and history, wait.</summary>
internal sealed class InstanceStore(SqliteDatabase db, WorkSignal orchestrations, TimeSpan pollInterval, ILogger logger)
{
    public async Task CreateAsync(TaskMessage creationMessage, OrchestrationStatus[]? dedupeStatuses)
    {
        if (creationMessage.Event is not ExecutionStartedEvent)
            throw new ArgumentException("Only ExecutionStarted messages create instances.", nameof(creationMessage));
        var created = await db.WriteAsync((c, t) => InstanceStart.TryStart(c, t, db.Hub, creationMessage, dedupeStatuses ?? [], db.NowTicks));
        if (!created)
        {
            throw new OrchestrationAlreadyExistsException(
                $"An orchestration with instance id '{creationMessage.OrchestrationInstance.InstanceId}' already exists in a status that "
                + $"refuses a new one ({string.Join(", ", dedupeStatuses!)}).");
        }
        orchestrations.Pulse();
    }

    /// <summary>All in one transaction; a message to an instance that does not exist is dropped (logged).</summary>
    public async Task SendAsync(IReadOnlyCollection<TaskMessage> messages)
    {
        await db.WriteAsync((c, t) =>
        {
            foreach (var message in messages)
                Inbox.Route(c, t, db.Hub, message, db.NowTicks, logger);
            return true;
        });
        orchestrations.Pulse();
    }

    /// <summary>
    /// A running instance gets a terminate message (its next step ends it). One that never started is terminated
    /// here, since no step would ever run for it before its start time; a finished one is left alone.
    /// </summary>
    public async Task TerminateAsync(string instanceId, string? reason)
    {
        await db.WriteAsync((c, t) =>
        {
            var now = db.NowTicks;
            var rows = c.Query(
                t,
                "SELECT Status, LockedUntil FROM Instances WHERE TaskHub = $hub AND InstanceId = $id",
                r => (Status: InstanceRows.Status(r.GetString(0)), LockedUntil: r.Int64OrNull(1)),
                ("$hub", db.Hub), ("$id", instanceId));
            if (rows.Count == 0 || InstanceRows.IsTerminal(rows[0].Status))
                return false;
            var neverRan = rows[0].Status == OrchestrationStatus.Pending && (rows[0].LockedUntil ?? 0) <= now
                && c.Scalar(t, "SELECT 1 FROM History WHERE TaskHub = $hub AND InstanceId = $id LIMIT 1", ("$hub", db.Hub), ("$id", instanceId)) is null;
            if (neverRan)
            {
                c.Execute(t, "DELETE FROM Inbox WHERE TaskHub = $hub AND InstanceId = $id", ("$hub", db.Hub), ("$id", instanceId));
                return c.Execute(
                    t,
                    "UPDATE Instances SET Status = 'Terminated', Output = $reason, UpdatedAt = $now, CompletedAt = $now WHERE TaskHub = $hub AND InstanceId = $id",
                    ("$reason", reason), ("$now", now), ("$hub", db.Hub), ("$id", instanceId)) == 1;
            }
            var message = new TaskMessage { OrchestrationInstance = new OrchestrationInstance { InstanceId = instanceId }, Event = new ExecutionTerminatedEvent(-1, reason) };
            return Inbox.Enqueue(c, t, db.Hub, message, now);
        });
        orchestrations.Pulse();
    }

    /// <summary>The instance's current execution, or null.</summary>
    public Task<OrchestrationState?> GetStateAsync(string instanceId, bool withPayloads = true) => db.ReadAsync(c => c.Query(
        null,
        $"SELECT {InstanceRows.Columns(withPayloads)} FROM Instances WHERE TaskHub = $hub AND InstanceId = $id",
        InstanceRows.Read,
        ("$hub", db.Hub), ("$id", instanceId)).SingleOrDefault());

    /// <summary>The execution's history as Azure Storage returns it (a JSON array of events); "[]" for another execution.</summary>
    public Task<string> GetHistoryAsync(string instanceId, string? executionId) => db.ReadAsync(c => HistoryJson.Array(c.Query(
        null,
        """
        SELECT Event FROM History
        WHERE TaskHub = $hub AND InstanceId = $id
          AND ExecutionId = COALESCE($execution, (SELECT ExecutionId FROM Instances WHERE TaskHub = $hub AND InstanceId = $id))
        ORDER BY Sequence
        """,
        r => r.GetString(0),
        ("$hub", db.Hub), ("$id", instanceId), ("$execution", executionId))));

    /// <summary>Waits for the instance to finish; null if <paramref name="timeout"/> passes first.</summary>
    public async Task<OrchestrationState?> WaitAsync(string instanceId, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var started = db.Time.GetTimestamp();
        while (true)
        {
            // Steps of this process pulse the signal when they complete; other processes' are found by polling.
            var changed = orchestrations.Next;
            if (await GetStateAsync(instanceId) is { } state && InstanceRows.IsTerminal(state.OrchestrationStatus))
                return state;
            // A negative timeout waits for ever, as in the other providers.
            var remaining = timeout < TimeSpan.Zero ? pollInterval : timeout - db.Time.GetElapsedTime(started);
            if (remaining <= TimeSpan.Zero)
                return null;
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            await Task.WhenAny(changed, Task.Delay(remaining < pollInterval ? remaining : pollInterval, db.Time, stop.Token));
            await stop.CancelAsync();
            cancellationToken.ThrowIfCancellationRequested();
        }
    }
}
