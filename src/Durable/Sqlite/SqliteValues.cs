using Microsoft.Data.Sqlite;
using RankDistill.Durable.Client;
using RankDistill.Durable.History;

namespace RankDistill.Durable.Sqlite;

/// <summary>Column conversions: times as UTC ticks, enums as names, nullable text.</summary>
internal static class SqliteValues
{
    public static DateTimeOffset Time(long ticks) => new(ticks, TimeSpan.Zero);

    public static DateTimeOffset? Time(SqliteDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : Time(reader.GetInt64(ordinal));

    public static string? Text(SqliteDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    public static int? Int(SqliteDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : reader.GetInt32(ordinal);

    public static OrchestrationRuntimeStatus Status(string text) => Enum.Parse<OrchestrationRuntimeStatus>(text);

    /// <summary>The instance columns, in the order <see cref="ReadInstance"/> reads them.</summary>
    public const string InstanceColumns =
        "InstanceId, Name, Status, Generation, CreatedAt, UpdatedAt, CompletedAt, Input, Output, CustomStatus, Failure, ParentInstanceId, LockedBy";

    public static OrchestrationMetadata ReadInstance(SqliteDataReader r) => new()
    {
        InstanceId = r.GetString(0),
        Name = r.GetString(1),
        RuntimeStatus = Status(r.GetString(2)),
        Generation = r.GetInt32(3),
        CreatedAt = Time(r.GetInt64(4)),
        LastUpdatedAt = Time(r.GetInt64(5)),
        CompletedAt = Time(r, 6),
        SerializedInput = Text(r, 7),
        SerializedOutput = Text(r, 8),
        SerializedCustomStatus = Text(r, 9),
        FailureDetails = HistorySerializer.DeserializeFailure(Text(r, 10)),
        ParentInstanceId = Text(r, 11),
        LockedBy = Text(r, 12),
    };

    public static string EventType(HistoryEvent e) => e.GetType().Name;
}
