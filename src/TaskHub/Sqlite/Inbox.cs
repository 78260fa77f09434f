using System.Diagnostics;
using DurableTask.Core;
using DurableTask.Core.History;
using DurableTask.Core.Tracing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace RankDistill.TaskHub.Sqlite;

/// <summary>
/// Messages into instances' inboxes, inside the caller's write transaction. A message waits there until it is
/// visible (a timer until its FireAt, a scheduled start until its start time) and its instance is not locked.
/// </summary>
internal static class Inbox
{
    /// <summary>
    /// Routes one message: an ExecutionStarted creates its instance (a sub-orchestration, a continue-as-new sent
    /// as a message); anything else goes to an existing instance. A message to no instance is dropped, as the
    /// queue-based providers drop it when they find no history for it.
    /// </summary>
    public static void Route(SqliteConnection connection, SqliteTransaction transaction, string hub, TaskMessage message, long now, ILogger logger)
    {
        var instanceId = message.OrchestrationInstance.InstanceId;
        if (message.Event is ExecutionStartedEvent)
        {
            // A child that is still active keeps running: a second start for it would be dropped by the runtime
            // anyway ("duplicate start event"), and replacing it would orphan its own work.
            if (!InstanceStart.TryStart(connection, transaction, hub, message, InstanceStart.ActiveStatuses, now))
                Logs.StartRefused(logger, instanceId);
        }
        else if (message.Event is ExecutionRewoundEvent)
        {
            RouteRewind(connection, transaction, hub, message, now, logger);
        }
        else if (!Enqueue(connection, transaction, hub, message, now))
        {
            Logs.MessageToUnknownInstance(logger, instanceId, message.Event.EventType);
        }
    }

    /// <summary>
    /// A rewind request for a Failed instance makes it Pending, as Azure Storage does, so that a client waiting for
    /// it to finish waits for the rewound run; the worker then rebuilds its history (see OrchestrationQueue). To a
    /// running instance it is the runtime's own trigger to replay a rewound history (it sends one to itself and to
    /// rewound children). Anywhere else it would mean nothing, so it is dropped.
    /// </summary>
    private static void RouteRewind(SqliteConnection connection, SqliteTransaction transaction, string hub, TaskMessage message, long now, ILogger logger)
    {
        var instanceId = message.OrchestrationInstance.InstanceId;
        var status = connection.Scalar(transaction, "SELECT Status FROM Instances WHERE TaskHub = $hub AND InstanceId = $id", ("$hub", hub), ("$id", instanceId)) as string;
        if (status == nameof(OrchestrationStatus.Failed))
        {
            // DurableTask.Core 3.11 dereferences the rewound instance's trace context, which exists only if the
            // instance was created under a listened-to Activity (else: NullReferenceException, on every retry). A
            // rewind request that brings one of its own is used instead, so give it one: a new trace.
            var rewind = (ExecutionRewoundEvent)message.Event;
            rewind.ParentTraceContext ??= new DistributedTraceContext($"00-{ActivityTraceId.CreateRandom()}-{ActivitySpanId.CreateRandom()}-00");
            connection.Execute(transaction, "UPDATE Instances SET Status = 'Pending', UpdatedAt = $now WHERE TaskHub = $hub AND InstanceId = $id", ("$now", now), ("$hub", hub), ("$id", instanceId));
            Enqueue(connection, transaction, hub, message, now);
        }
        else if (status is nameof(OrchestrationStatus.Running) or nameof(OrchestrationStatus.Suspended))
        {
            Enqueue(connection, transaction, hub, message, now);
        }
        else
        {
            Logs.RewindIgnored(logger, instanceId, status ?? "unknown");
        }
    }

    /// <summary>Inserts a message for an instance that exists; false (nothing written) if it does not.</summary>
    public static bool Enqueue(SqliteConnection connection, SqliteTransaction transaction, string hub, TaskMessage message, long now)
    {
        var visibleAt = message.Event switch
        {
            TimerFiredEvent timer => SqliteCommands.Ticks(timer.FireAt),
            ExecutionStartedEvent { ScheduledStartTime: { } start } => SqliteCommands.Ticks(start),
            _ => now,
        };
        return connection.Execute(
            transaction,
            """
            INSERT INTO Inbox (TaskHub, InstanceId, ExecutionId, EventType, Event, EnqueuedAt, VisibleAt)
            SELECT $hub, $id, $execution, $type, $event, $now, $visible
            WHERE EXISTS (SELECT 1 FROM Instances WHERE TaskHub = $hub AND InstanceId = $id)
            """,
            ("$hub", hub),
            ("$id", message.OrchestrationInstance.InstanceId),
            ("$execution", message.OrchestrationInstance.ExecutionId),
            ("$type", message.Event.EventType.ToString()),
            ("$event", HistoryJson.Write(message.Event)),
            ("$now", now),
            ("$visible", Math.Max(visibleAt, now))) == 1;
    }
}
