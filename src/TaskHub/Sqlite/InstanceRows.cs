using DurableTask.Core;
using DurableTask.Core.Common;
using Microsoft.Data.Sqlite;

namespace RankDistill.TaskHub.Sqlite;

/// <summary>An Instances row as DurableTask.Core's <see cref="OrchestrationState"/>, and the status rules around it.</summary>
internal static class InstanceRows
{
    /// <summary>The columns <see cref="Read"/> reads, in its order; Input and Output are left out when not wanted.</summary>
    public static string Columns(bool withPayloads) =>
        "InstanceId, ExecutionId, Name, Version, Status, Generation, CreatedAt, UpdatedAt, CompletedAt, ScheduledStartAt, "
        + (withPayloads ? "Input, Output" : "NULL, NULL")
        + ", CustomStatus, FailureDetails, Tags, Parent";

    public static OrchestrationState Read(SqliteDataReader r) => new()
    {
        OrchestrationInstance = new OrchestrationInstance { InstanceId = r.GetString(0), ExecutionId = r.GetString(1) },
        Name = r.GetString(2),
        Version = r.TextOrNull(3),
        OrchestrationStatus = Status(r.GetString(4)),
        Generation = r.GetInt32(5),
        CreatedTime = SqliteCommands.UtcFromTicks(r.GetInt64(6)),
        LastUpdatedTime = SqliteCommands.UtcFromTicks(r.GetInt64(7)),
        CompletedTime = r.Int64OrNull(8) is { } completed ? SqliteCommands.UtcFromTicks(completed) : DateTimeUtils.MinDateTime,
        ScheduledStartTime = r.Int64OrNull(9) is { } start ? SqliteCommands.UtcFromTicks(start) : null,
        Input = r.TextOrNull(10),
        Output = r.TextOrNull(11),
        Status = r.TextOrNull(12),
        FailureDetails = HistoryJson.Read<FailureDetails>(r.TextOrNull(13)),
        Tags = HistoryJson.Read<Dictionary<string, string>>(r.TextOrNull(14)),
        ParentInstance = HistoryJson.Read<ParentInstance>(r.TextOrNull(15)),
    };

    public static OrchestrationStatus Status(string name) => Enum.Parse<OrchestrationStatus>(name);

    /// <summary>Finished: only a rewind (of a Failed instance) or a new execution changes it again.</summary>
    public static bool IsTerminal(OrchestrationStatus status) => status
        is OrchestrationStatus.Completed or OrchestrationStatus.Failed or OrchestrationStatus.Terminated or OrchestrationStatus.Canceled;

    public static readonly OrchestrationStatus[] TerminalStatuses =
        [OrchestrationStatus.Completed, OrchestrationStatus.Failed, OrchestrationStatus.Terminated, OrchestrationStatus.Canceled];

    /// <summary>A SQL list literal of status names (names come from the enum, never from input text).</summary>
    public static string SqlList(IEnumerable<OrchestrationStatus> statuses) =>
        "(" + string.Join(", ", statuses.Distinct().Select(s => $"'{s}'")) + ")";
}
