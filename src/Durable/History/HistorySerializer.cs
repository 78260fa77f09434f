using System.Text.Json;
using System.Text.Json.Serialization;

namespace RankDistill.Durable.History;

/// <summary>The storage format of history events: JSON with a <c>type</c> discriminator.</summary>
public static class HistorySerializer
{
    private static readonly JsonSerializerOptions _options = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter() },
    };

    public static string Serialize(HistoryEvent e) => JsonSerializer.Serialize(e, _options);

    public static HistoryEvent Deserialize(string json) =>
        JsonSerializer.Deserialize<HistoryEvent>(json, _options)
        ?? throw new JsonException("A history event is null.");

    public static string SerializeList(IReadOnlyList<HistoryEvent> events) =>
        JsonSerializer.Serialize(events, new JsonSerializerOptions(_options) { WriteIndented = true });

    public static IReadOnlyList<HistoryEvent> DeserializeList(string json) =>
        JsonSerializer.Deserialize<List<HistoryEvent>>(json, _options) ?? [];

    internal static string SerializeFailure(FailureDetails failure) => JsonSerializer.Serialize(failure, _options);

    internal static FailureDetails? DeserializeFailure(string? json) =>
        json is null ? null : JsonSerializer.Deserialize<FailureDetails>(json, _options);
}
