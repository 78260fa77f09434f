using DurableTask.Core;
using Microsoft.Data.Sqlite;

namespace RankDistill.TaskHub.Sqlite;

/// <summary>
/// Deleting instances whole: row, history, inbox and activity tasks. A worker still holding a purged instance's
/// lock finds its lock gone at completion and writes nothing.
/// </summary>
internal static class InstancePurge
{
    private static readonly string[] _tables = ["History", "Inbox", "Tasks", "Instances"];

    /// <returns>1 if the instance existed, else 0.</returns>
    public static int DeleteInstance(SqliteConnection connection, SqliteTransaction transaction, string hub, string instanceId)
    {
        var deleted = 0;
        foreach (var table in _tables)
            deleted = connection.Execute(transaction, $"DELETE FROM {table} WHERE TaskHub = $hub AND InstanceId = $id", ("$hub", hub), ("$id", instanceId));
        return deleted;
    }

    /// <summary>
    /// Purges finished instances created in [from, to] (to: open-ended if null). Only finished instances are
    /// purged, as Azure Storage does; no statuses means every finished status.
    /// </summary>
    public static int DeleteFinished(SqliteConnection connection, SqliteTransaction transaction, string hub, PurgeInstanceFilter filter)
    {
        var statuses = filter.RuntimeStatus?.Any() == true
            ? filter.RuntimeStatus.Where(InstanceRows.IsTerminal).ToArray()
            : InstanceRows.TerminalStatuses;
        if (statuses.Length == 0)
            return 0;
        var where = $"Status IN {InstanceRows.SqlList(statuses)} AND CreatedAt >= $from AND CreatedAt <= $to";
        return DeleteWhere(connection, transaction, hub, where,
            ("$from", SqliteCommands.Ticks(filter.CreatedTimeFrom)),
            ("$to", SqliteCommands.Ticks(filter.CreatedTimeTo ?? DateTime.MaxValue)));
    }

    /// <summary>Purges finished instances whose created, last-updated or completed time is before <paramref name="threshold"/>.</summary>
    public static int DeleteFinishedBefore(SqliteConnection connection, SqliteTransaction transaction, string hub, DateTime threshold, OrchestrationStateTimeRangeFilterType filterType)
    {
        var column = filterType switch
        {
            OrchestrationStateTimeRangeFilterType.OrchestrationCreatedTimeFilter => "CreatedAt",
            OrchestrationStateTimeRangeFilterType.OrchestrationLastUpdatedTimeFilter => "UpdatedAt",
            OrchestrationStateTimeRangeFilterType.OrchestrationCompletedTimeFilter => "CompletedAt",
            _ => throw new ArgumentOutOfRangeException(nameof(filterType), filterType, "Not a time range filter type."),
        };
        var where = $"Status IN {InstanceRows.SqlList(InstanceRows.TerminalStatuses)} AND {column} < $threshold";
        return DeleteWhere(connection, transaction, hub, where, ("$threshold", SqliteCommands.Ticks(threshold)));
    }

    /// <summary>Every row of the hub (the file's other hubs are untouched).</summary>
    public static void DeleteHub(SqliteConnection connection, SqliteTransaction transaction, string hub)
    {
        foreach (var table in _tables)
            connection.Execute(transaction, $"DELETE FROM {table} WHERE TaskHub = $hub", ("$hub", hub));
    }

    private static int DeleteWhere(SqliteConnection connection, SqliteTransaction transaction, string hub, string where, params (string, object?)[] parameters)
    {
        var ids = connection.Query(transaction, $"SELECT InstanceId FROM Instances WHERE TaskHub = $hub AND {where}", r => r.GetString(0), [("$hub", hub), .. parameters]);
        foreach (var id in ids)
            DeleteInstance(connection, transaction, hub, id);
        return ids.Count;
    }
}
