using DurableTask.Core.History;

namespace RankDistill.TaskHub.Sqlite;

/// <summary>
/// The histories this process last wrote, so the next step of a busy instance need not read and parse its whole
/// history again (a chain or a fan-out would parse it once per step: quadratic). An entry is used only if the stored
/// history still has its execution id and event count: appends by another worker change the count, a new execution
/// (continue-as-new, rewind, a replacing start) the id. Bounded by the events it holds (an event is a few hundred
/// bytes to a few KB): least recently used entries go first.
/// </summary>
internal sealed class HistoryCache(int maxEvents)
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, LinkedListNode<Entry>> _entries = new(StringComparer.Ordinal);
    private readonly LinkedList<Entry> _recent = new();
    private int _events;

    /// <summary>The cached events if they are exactly the stored history, else null.</summary>
    public IList<HistoryEvent>? Get(string instanceId, string? executionId, int eventCount)
    {
        lock (_lock)
        {
            if (!_entries.TryGetValue(instanceId, out var node))
                return null;
            if (node.Value.ExecutionId != executionId || node.Value.Events.Count != eventCount)
            {
                Remove(node);
                return null;
            }
            _recent.Remove(node);
            _recent.AddFirst(node);
            return node.Value.Events;
        }
    }

    /// <summary>Records the history as just committed (a copy of the list: the runtime state keeps growing its own).</summary>
    public void Put(string instanceId, string executionId, IList<HistoryEvent> events)
    {
        lock (_lock)
        {
            if (_entries.TryGetValue(instanceId, out var old))
                Remove(old);
            if (events.Count > maxEvents)
                return;
            _entries[instanceId] = _recent.AddFirst(new Entry(instanceId, executionId, [.. events]));
            _events += events.Count;
            while (_events > maxEvents)
                Remove(_recent.Last!);
        }
    }

    public void Forget(string instanceId)
    {
        lock (_lock)
        {
            if (_entries.TryGetValue(instanceId, out var node))
                Remove(node);
        }
    }

    private void Remove(LinkedListNode<Entry> node)
    {
        _entries.Remove(node.Value.InstanceId);
        _recent.Remove(node);
        _events -= node.Value.Events.Count;
    }

    private sealed record Entry(string InstanceId, string ExecutionId, List<HistoryEvent> Events);
}
