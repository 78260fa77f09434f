using RankDistill.Durable.History;

namespace RankDistill.Durable.Worker;

/// <summary>
/// Rewind: a Failed instance continues from the calls that failed it, keeping every result it
/// already has. The failures rewound are those recorded after the orchestration's last call:
/// the code reacted to them only by failing (it made no call after), so removing them cannot
/// change any call it made. Earlier failures were handled by the code (a retry, a fallback) and
/// stay. Rewound activities are queued again (with their last heartbeat); rewound children are
/// rewound in turn.
/// </summary>
internal static class Rewinder
{
    /// <param name="History">The history without its failure end and the rewound failures.</param>
    /// <param name="Rewound">Each rewound call and its removed failure.</param>
    public sealed record Plan(IReadOnlyList<HistoryEvent> History, IReadOnlyList<(ActionEvent Call, ResultEvent Failure)> Rewound);

    public static Plan Make(IReadOnlyList<HistoryEvent> history)
    {
        var list = history.ToList();
        var end = list.FindLastIndex(e => e is ExecutionCompleted);
        if (end >= 0)
            list.RemoveAt(end);
        var lastCall = list.FindLastIndex(e => e is ActionEvent);
        var calls = list.OfType<ActionEvent>().ToDictionary(a => a.TaskId);
        var rewound = new List<(ActionEvent, ResultEvent)>();
        for (var i = list.Count - 1; i > lastCall; i--)
        {
            if (list[i] is TaskFailed or SubOrchestrationFailed && calls.TryGetValue(((ResultEvent)list[i]).TaskId, out var call))
            {
                rewound.Add((call, (ResultEvent)list[i]));
                list.RemoveAt(i);
            }
        }
        rewound.Reverse();
        return new Plan(list, rewound);
    }
}
