using DurableTask.Core;
using DurableTask.Core.Common;
using DurableTask.Core.History;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace RankDistill.TaskHub.Sqlite;

/// <summary>What one orchestration step produced, as DurableTask.Core hands it to <c>CompleteTaskOrchestrationWorkItemAsync</c>.</summary>
internal sealed record StepResult(
    SqliteOrchestrationWorkItem WorkItem,
    OrchestrationRuntimeState RuntimeState,
    IList<TaskMessage> ActivityMessages,
    IList<TaskMessage> OrchestratorMessages,
    IList<TaskMessage> TimerMessages,
    TaskMessage? ContinuedAsNewMessage,
    OrchestrationState? State);

/// <summary>
/// Completing an orchestration step: one transaction, applied only while the work item's lock token is still the
/// instance's. It deletes exactly the delivered messages, writes the history (appended, or replaced when the
/// execution changed: continue-as-new, rewind), updates the instance row from the step's OrchestrationState,
/// releases the lock, and sends what the step produced: activity tasks, timers (delayed inbox messages), and
/// messages to other instances (a sub-orchestration start creates the child).
/// </summary>
internal static class OrchestrationCheckpoint
{
    /// <returns>False (nothing written) if the lock was lost.</returns>
    public static bool Apply(SqliteConnection c, SqliteTransaction t, string hub, StepResult step, long now, ILogger logger)
    {
        var item = step.WorkItem;
        // A token is new each time a lock is taken, so "still our token" means nobody has locked the instance since:
        // an expired lock that nobody took is still good, one that was taken (or purged, or replaced) is not.
        var holder = c.Scalar(t, "SELECT LockToken FROM Instances WHERE TaskHub = $hub AND InstanceId = $id", ("$hub", hub), ("$id", item.InstanceId)) as string;
        if (holder != item.LockToken)
            return false;
        DeleteMessages(c, t, item.MessageIds);
        if (step.State is { } state && step.RuntimeState.IsValid && step.RuntimeState.ExecutionStartedEvent is not null)
        {
            WriteHistory(c, t, hub, item, step.RuntimeState);
            UpdateInstance(c, t, hub, item.InstanceId, state, now);
        }
        else
        {
            // The runtime found nothing to run (messages for an execution that never started): drop them, unlock.
            c.Execute(t, "UPDATE Instances SET LockedBy = NULL, LockToken = NULL, LockedUntil = NULL, UpdatedAt = $now WHERE TaskHub = $hub AND InstanceId = $id", ("$now", now), ("$hub", hub), ("$id", item.InstanceId));
        }
        ActivityQueue.Enqueue(c, t, hub, step.ActivityMessages, now);
        foreach (var timer in step.TimerMessages)
            Inbox.Enqueue(c, t, hub, timer, now);
        foreach (var message in step.OrchestratorMessages)
            Inbox.Route(c, t, hub, message, now, logger);
        if (step.ContinuedAsNewMessage is { } next)
            Inbox.Route(c, t, hub, next, now, logger);
        return true;
    }

    private static void DeleteMessages(SqliteConnection c, SqliteTransaction t, IReadOnlyList<long> ids)
    {
        using var delete = c.Command(t, "DELETE FROM Inbox WHERE Id = $id", ("$id", 0L));
        foreach (var id in ids)
        {
            delete.Parameters[0].Value = id;
            delete.ExecuteNonQuery();
        }
    }

    private static void WriteHistory(SqliteConnection c, SqliteTransaction t, string hub, SqliteOrchestrationWorkItem item, OrchestrationRuntimeState state)
    {
        var executionId = state.OrchestrationInstance!.ExecutionId;
        var replace = item.LoadedEventCount == 0 || executionId != item.LoadedExecutionId;
        IList<HistoryEvent> events = replace ? state.Events : state.NewEvents;
        var sequence = replace ? 0 : state.Events.Count - state.NewEvents.Count;
        if (replace)
            c.Execute(t, "DELETE FROM History WHERE TaskHub = $hub AND InstanceId = $id", ("$hub", hub), ("$id", item.InstanceId));
        using var insert = c.Command(
            t,
            "INSERT INTO History (TaskHub, InstanceId, Sequence, ExecutionId, EventType, Event) VALUES ($hub, $id, $sequence, $execution, $type, $event)",
            ("$hub", hub), ("$id", item.InstanceId), ("$sequence", 0), ("$execution", executionId), ("$type", ""), ("$event", ""));
        foreach (var e in events)
        {
            insert.Parameters["$sequence"].Value = sequence++;
            insert.Parameters["$type"].Value = e.EventType.ToString();
            insert.Parameters["$event"].Value = HistoryJson.Write(e);
            insert.ExecuteNonQuery();
        }
    }

    private static void UpdateInstance(SqliteConnection c, SqliteTransaction t, string hub, string instanceId, OrchestrationState state, long now)
    {
        long? completedAt = !InstanceRows.IsTerminal(state.OrchestrationStatus) ? null
            : state.CompletedTime > DateTimeUtils.MinDateTime && state.CompletedTime < Utils.DateTimeSafeMaxValue ? SqliteCommands.Ticks(state.CompletedTime)
            : now;
        c.Execute(
            t,
            """
            UPDATE Instances SET ExecutionId = $execution, Name = $name, Version = $version, Status = $status, UpdatedAt = $now,
                CompletedAt = $completed, Input = $input, Output = $output, CustomStatus = $custom, FailureDetails = $failure,
                Tags = $tags, Parent = $parent, LockedBy = NULL, LockToken = NULL, LockedUntil = NULL
            WHERE TaskHub = $hub AND InstanceId = $id
            """,
            ("$execution", state.OrchestrationInstance.ExecutionId),
            ("$name", state.Name ?? string.Empty),
            ("$version", state.Version),
            ("$status", state.OrchestrationStatus.ToString()),
            ("$now", now),
            ("$completed", completedAt),
            ("$input", state.Input),
            ("$output", state.Output),
            ("$custom", state.Status),
            ("$failure", HistoryJson.WriteOrNull(state.FailureDetails)),
            ("$tags", HistoryJson.WriteOrNull(state.Tags)),
            ("$parent", HistoryJson.WriteOrNull(state.ParentInstance)),
            ("$hub", hub),
            ("$id", instanceId));
    }
}
