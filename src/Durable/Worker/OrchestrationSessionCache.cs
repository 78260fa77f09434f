using System.Collections.Concurrent;
using RankDistill.Durable.History;
using RankDistill.Durable.Replay;

namespace RankDistill.Durable.Worker;

/// <summary>
/// Orchestrations kept in memory after a committed step (Temporal's sticky cache, Durable Task's
/// extended sessions), so the next step applies only its new events instead of replaying the
/// whole history. A session is used only when the stored history is exactly the one it ended
/// with (same length, same last event); anything else (another worker stepped in, a rewind, a
/// lost lock) falls back to a full replay, which is always correct.
/// </summary>
internal sealed class OrchestrationSessionCache(int capacity = 64)
{
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    /// <summary>Removes and returns the instance's session if it matches <paramref name="history"/>.</summary>
    public OrchestrationSession? Take(string instanceId, IReadOnlyList<HistoryEvent> history)
    {
        if (!_entries.TryRemove(instanceId, out var entry))
            return null;
        var matches = history.Count == entry.HistoryCount && history.Count > 0 && history[^1].Equals(entry.Last);
        return matches ? entry.Session : null;
    }

    /// <summary>Keeps a session whose step committed, leaving a history of <paramref name="historyCount"/> events ending with <paramref name="last"/>.</summary>
    public void Put(string instanceId, OrchestrationSession session, int historyCount, HistoryEvent last)
    {
        if (_entries.Count >= capacity)
            _entries.Clear(); // rare; costs one full replay per instance
        session.MarkCommitted();
        _entries[instanceId] = new Entry(session, historyCount, last);
    }

    private sealed record Entry(OrchestrationSession Session, int HistoryCount, HistoryEvent Last);
}
