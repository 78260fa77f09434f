using System.Collections.Concurrent;
using System.Text.Json;

namespace RankDistill.TaskHub.Sqlite;

/// <summary>
/// The work items this service is processing, as a JSON array for queries (<c>NOT IN (SELECT value FROM
/// json_each($running))</c>): an item whose lock lapsed while this process still runs it is not handed out to this
/// process a second time. Removed when the runtime completes, abandons or releases the item, which it always does.
/// </summary>
internal sealed class RunningSet<T>
    where T : notnull
{
    private readonly ConcurrentDictionary<T, byte> _items = new();

    public void Add(T item) => _items[item] = 0;

    public void Remove(T item) => _items.TryRemove(item, out _);

    public string Json() => _items.IsEmpty ? "[]" : JsonSerializer.Serialize(_items.Keys);
}
