using DurableTask.Core;
using DurableTask.Core.History;
using Microsoft.Data.Sqlite;

namespace RankDistill.TaskHub.Sqlite;

/// <summary>
/// A new execution of an instance id: its row (Pending) and its ExecutionStarted message, in the caller's
/// transaction. An existing instance in a dedupe status refuses the start; any other existing instance is
/// replaced whole (history, inbox, tasks), as Azure Storage overwrites it.
/// </summary>
internal static class InstanceStart
{
    /// <summary>An instance in these statuses is still at work.</summary>
    public static readonly OrchestrationStatus[] ActiveStatuses =
        [OrchestrationStatus.Pending, OrchestrationStatus.Running, OrchestrationStatus.Suspended];

    /// <returns>False (nothing written) if an instance with this id exists in one of <paramref name="dedupeStatuses"/>.</returns>
    public static bool TryStart(SqliteConnection connection, SqliteTransaction transaction, string hub, TaskMessage message, IReadOnlyCollection<OrchestrationStatus> dedupeStatuses, long now)
    {
        var start = (ExecutionStartedEvent)message.Event;
        var instance = start.OrchestrationInstance ?? message.OrchestrationInstance;
        var instanceId = instance.InstanceId;
        var existing = connection.Query(
            transaction,
            "SELECT Status, Generation FROM Instances WHERE TaskHub = $hub AND InstanceId = $id",
            r => (Status: InstanceRows.Status(r.GetString(0)), Generation: r.GetInt32(1)),
            ("$hub", hub),
            ("$id", instanceId));
        if (existing.Count == 1)
        {
            if (dedupeStatuses.Contains(existing[0].Status))
                return false;
            InstancePurge.DeleteInstance(connection, transaction, hub, instanceId);
        }
        if (string.IsNullOrEmpty(instance.ExecutionId))
            instance.ExecutionId = Guid.NewGuid().ToString("N");
        start.OrchestrationInstance = instance;
        start.Generation ??= existing.Count == 1 ? existing[0].Generation + 1 : 0;
        connection.Execute(
            transaction,
            """
            INSERT INTO Instances (TaskHub, InstanceId, ExecutionId, Name, Version, Status, Generation, CreatedAt, UpdatedAt, ScheduledStartAt, Input, Tags, Parent)
            VALUES ($hub, $id, $execution, $name, $version, 'Pending', $generation, $now, $now, $start, $input, $tags, $parent)
            """,
            ("$hub", hub),
            ("$id", instanceId),
            ("$execution", instance.ExecutionId),
            ("$name", start.Name ?? string.Empty),
            ("$version", start.Version),
            ("$generation", start.Generation),
            ("$now", now),
            ("$start", start.ScheduledStartTime is { } at ? SqliteCommands.Ticks(at) : null),
            ("$input", start.Input),
            ("$tags", HistoryJson.WriteOrNull(start.Tags)),
            ("$parent", HistoryJson.WriteOrNull(start.ParentInstance)));
        Inbox.Enqueue(connection, transaction, hub, new TaskMessage { OrchestrationInstance = instance, Event = start }, now);
        return true;
    }
}
