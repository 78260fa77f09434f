using Npgsql;
using RankDistill.Durable.Client;
using RankDistill.Durable.History;

namespace RankDistill.Durable.Postgres;

/// <summary>Parameters and column conversions: times as UTC ticks, enums as names, nullable text.</summary>
internal static class PostgresValues
{
    /// <summary>A positional parameter whose type comes from <typeparamref name="T"/>, so a null still has one.</summary>
    public static NpgsqlParameter<T> P<T>(T value) => new() { TypedValue = value };

    public static DateTimeOffset Time(long ticks) => new(ticks, TimeSpan.Zero);

    public static DateTimeOffset? Time(NpgsqlDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : Time(reader.GetInt64(ordinal));

    public static string? Text(NpgsqlDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    public static OrchestrationRuntimeStatus Status(string text) => Enum.Parse<OrchestrationRuntimeStatus>(text);

    public static OrchestrationMetadata ReadInstance(NpgsqlDataReader r) => new()
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
