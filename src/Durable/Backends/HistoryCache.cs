using System.Collections.Concurrent;
using RankDistill.Durable.History;

namespace RankDistill.Durable.Backends;

/// <summary>
/// Deserialized histories of running instances, so a step reads only the events added since the
/// last one (a fan-out of a thousand calls otherwise re-reads thousands of events every step).
/// Histories only grow, except when replaced, which changes the instance's history epoch; an
/// entry with another epoch is reloaded whole. Only the lock holder touches an instance's entry.
/// Shared by the backends; across processes it stays right because another process only appends
/// (read from the cached count on) or replaces (a new epoch).
/// </summary>
internal sealed class HistoryCache(int capacity = 256)
{
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    /// <param name="instanceId">The instance.</param>
    /// <param name="epoch">Its current history epoch.</param>
    /// <param name="readFrom">Reads the stored events from a sequence number on.</param>
    public IReadOnlyList<HistoryEvent> Load(string instanceId, string epoch, Func<long, IReadOnlyList<HistoryEvent>> readFrom)
    {
        if (!_entries.TryGetValue(instanceId, out var entry) || entry.Epoch != epoch)
        {
            entry = new Entry(epoch, [.. readFrom(0)]);
        }
        else
        {
            entry.Events.AddRange(readFrom(entry.Events.Count));
        }
        return Keep(instanceId, entry);
    }

    /// <inheritdoc cref="Load"/>
    public async Task<IReadOnlyList<HistoryEvent>> LoadAsync(string instanceId, string epoch, Func<long, Task<IReadOnlyList<HistoryEvent>>> readFrom)
    {
        if (!_entries.TryGetValue(instanceId, out var entry) || entry.Epoch != epoch)
            entry = new Entry(epoch, [.. await readFrom(0)]);
        else
            entry.Events.AddRange(await readFrom(entry.Events.Count));
        return Keep(instanceId, entry);
    }

    private IReadOnlyList<HistoryEvent> Keep(string instanceId, Entry entry)
    {
        if (_entries.Count >= capacity && !_entries.ContainsKey(instanceId))
            _entries.Clear(); // rare; a cold start only costs one full read per instance
        _entries[instanceId] = entry;
        return [.. entry.Events];
    }

    public void Forget(string instanceId) => _entries.TryRemove(instanceId, out _);

    private sealed record Entry(string Epoch, List<HistoryEvent> Events);
}
