using System.Collections.Frozen;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using DurableTask.Core.History;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;
using Newtonsoft.Json.Serialization;

namespace RankDistill.TaskHub;

/// <summary>
/// Events and the small objects beside them (failure details, tags, parents) as JSON text. Events are written
/// with Newtonsoft's defaults and no type names, exactly as DurableTask.AzureStorage serialises history for
/// <c>GetOrchestrationHistoryAsync</c>, so a stored event is already its text in that API; the EventType column
/// names the class to read it back into.
/// </summary>
internal static class HistoryJson
{
    private static readonly JsonSerializer _writer = JsonSerializer.Create();

    private static readonly JsonSerializer _reader = JsonSerializer.Create(new JsonSerializerSettings
    {
        // Text that looks like a date stays text (a reason, an input); DateTime properties still parse.
        DateParseHandling = DateParseHandling.None,
        // Several events keep their parameterless constructor private for serializers.
        ConstructorHandling = ConstructorHandling.AllowNonPublicDefaultConstructor,
        ContractResolver = new EventContractResolver(),
    });

    // Every concrete HistoryEvent class by the EventType it reports (read from an uninitialised instance).
    private static readonly FrozenDictionary<string, Type> _eventTypes = typeof(HistoryEvent).Assembly.GetTypes()
        .Where(t => t.IsSubclassOf(typeof(HistoryEvent)) && !t.IsAbstract)
        .Select(t => (Type: t, Name: ((HistoryEvent)RuntimeHelpers.GetUninitializedObject(t)).EventType.ToString()))
        .GroupBy(x => x.Name, StringComparer.Ordinal)
        .ToFrozenDictionary(g => g.Key, g => g.First().Type, StringComparer.Ordinal);

    public static string Write(object value)
    {
        var text = new StringBuilder(256);
        using (var writer = new StringWriter(text, CultureInfo.InvariantCulture))
            _writer.Serialize(writer, value);
        return text.ToString();
    }

    public static string? WriteOrNull(object? value) => value is null ? null : Write(value);

    public static HistoryEvent ReadEvent(string eventType, string json)
    {
        if (!_eventTypes.TryGetValue(eventType, out var type))
            throw new InvalidDataException($"The task hub file holds an event of type '{eventType}', which this DurableTask.Core does not know.");
        return (HistoryEvent)Read(json, type)!;
    }

    /// <summary>
    /// Parses what <c>GetOrchestrationHistoryAsync</c> returns (of this provider or Azure Storage's) into typed
    /// events. A client needs more than Newtonsoft's defaults for it: see <see cref="EventContractResolver"/>.
    /// </summary>
    public static List<HistoryEvent> ReadHistory(string json) => JArray.Parse(json)
        .Select(e => ReadEvent(((EventType)(int)e[nameof(HistoryEvent.EventType)]!).ToString(), e.ToString(Formatting.None)))
        .ToList();

    public static T? Read<T>(string? json)
        where T : class => json is null ? null : (T?)Read(json, typeof(T));

    /// <summary>The JSON array that <c>GetOrchestrationHistoryAsync</c> returns, from stored event texts.</summary>
    public static string Array(IEnumerable<string> events) => "[" + string.Join(",", events) + "]";

    private static object? Read(string json, Type type)
    {
        using var reader = new JsonTextReader(new StringReader(json));
        return _reader.Deserialize(reader, type);
    }

    /// <summary>
    /// ExecutionRewoundEvent has two public constructors and no parameterless one, so Newtonsoft cannot choose how to
    /// make one: such an event starts uninitialised and gets every [DataMember] from the JSON (all are written).
    /// </summary>
    private sealed class EventContractResolver : DefaultContractResolver
    {
        protected override JsonObjectContract CreateObjectContract(Type objectType)
        {
            var contract = base.CreateObjectContract(objectType);
            if (objectType.IsSubclassOf(typeof(HistoryEvent)) && contract.DefaultCreator is null && contract.OverrideCreator is null && contract.CreatorParameters.Count == 0)
            {
                contract.DefaultCreator = () => RuntimeHelpers.GetUninitializedObject(objectType);
                contract.DefaultCreatorNonPublic = false;
            }
            return contract;
        }
    }
}
