using System.Globalization;
using System.Text.Json.Nodes;
using RankDistill.Durable.History;
using RankDistill.Workflows.Dashboard.Api;

namespace RankDistill.Workflows.Dashboard;

/// <summary>History events as the API shows them: the stored event (scrubbed) with a one-line summary for people.</summary>
internal static class HistoryEntries
{
    public static IReadOnlyList<HistoryEntry> From(IReadOnlyList<HistoryEvent> history, SecretScrubber scrubber)
    {
        var names = new Dictionary<int, string>();
        var entries = new List<HistoryEntry>(history.Count);
        for (var i = 0; i < history.Count; i++)
        {
            var e = history[i];
            switch (e)
            {
                case TaskScheduled s:
                    names[s.TaskId] = s.Name;
                    break;
                case SubOrchestrationCreated c:
                    names[c.TaskId] = c.Name;
                    break;
            }
            var taskId = e switch
            {
                ActionEvent a => a.TaskId,
                ResultEvent r => r.TaskId,
                TaskStarted t => t.TaskId,
                _ => (int?)null,
            };
            var name = e switch
            {
                ExecutionStarted s => s.Name,
                EventRaised r => r.Name,
                _ when taskId is { } id && names.TryGetValue(id, out var n) => n,
                _ => null,
            };
            var data = scrubber.Scrub(JsonNode.Parse(HistorySerializer.Serialize(e)))!;
            entries.Add(new HistoryEntry(i, e.GetType().Name, e.Timestamp, taskId, name, scrubber.Scrub(Summary(e, name)), data));
        }
        return entries;
    }

    private static string Summary(HistoryEvent e, string? name) => e switch
    {
        ExecutionStarted s => $"started {s.Name} (generation {s.Generation}){(s.Parent is { } p ? $" as a child of {p.InstanceId}" : "")}",
        OrchestratorStarted => "orchestration step",
        TaskScheduled s => $"{s.Name} scheduled on queue '{s.Queue}', attempt {s.Attempt}",
        TaskStarted t => $"{t.Name} started on {t.WorkerId}, attempt {t.Attempt}, dispatch {t.DispatchCount}",
        TaskCompleted => $"{name} completed",
        TaskFailed f => $"{name} failed: {f.Failure}",
        TimerCreated { Purpose: TimerCreated.RetryPurpose } t => $"retry wait until {Time(t.FireAt)}",
        TimerCreated { Purpose: TimerCreated.EventTimeoutPurpose } t => $"event wait times out at {Time(t.FireAt)}",
        TimerCreated t => $"timer until {Time(t.FireAt)}",
        TimerFired => "timer fired",
        SubOrchestrationCreated c => $"sub-orchestration {c.Name} started as {c.InstanceId}",
        SubOrchestrationCompleted => $"sub-orchestration {name} completed",
        SubOrchestrationFailed f => $"sub-orchestration {name} failed: {f.Failure}",
        EventRaised r => $"event '{r.Name}' received",
        ExecutionCompleted c => c.Failure is { } failure ? $"{c.Status}: {failure}" : c.Status.ToString(),
        ExecutionTerminated t => $"terminated{Reason(t.Reason)}",
        ExecutionSuspended s => $"suspended{Reason(s.Reason)}",
        ExecutionResumed r => $"resumed{Reason(r.Reason)}",
        ExecutionRewound r => $"rewound{Reason(r.Reason)}{(r.RewoundTaskIds is { Count: > 0 } ids ? $", calls {string.Join(", ", ids)} run again" : "")}",
        _ => e.GetType().Name,
    };

    private static string Reason(string? reason) => string.IsNullOrWhiteSpace(reason) ? "" : $": {reason}";

    private static string Time(DateTimeOffset at) => at.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
