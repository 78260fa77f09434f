using System.Globalization;
using System.Text.Json.Nodes;
using DurableTask.Core;
using DurableTask.Core.History;
using Newtonsoft.Json;
using Newtonsoft.Json.Converters;
using RankDistill.TaskHub;
using RankDistill.Workflows.Dashboard.Api;

namespace RankDistill.Workflows.Dashboard;

/// <summary>
/// DurableTask.Core history events as the API shows them: each event as the runtime records it (Newtonsoft JSON, the
/// providers' own format, scrubbed) with a one-line summary for people.
/// </summary>
internal static class HistoryEntries
{
    private static readonly JsonSerializerSettings _json = new() { Converters = { new StringEnumConverter() } };

    public static IReadOnlyList<HistoryEntry> From(IReadOnlyList<HistoryEvent> history, TaskRouting routing, SecretScrubber scrubber)
    {
        ArgumentNullException.ThrowIfNull(history);
        var links = RetryLinks.Read(history);
        var names = new Dictionary<int, string>();
        foreach (var e in history)
        {
            switch (e)
            {
                case TaskScheduledEvent { Name: { } task } s:
                    names[s.EventId] = task;
                    break;
                case SubOrchestrationInstanceCreatedEvent { Name: { } child } c:
                    names[c.EventId] = child;
                    break;
            }
        }
        var summary = new Summary(names, links, routing);
        var entries = new List<HistoryEntry>(history.Count);
        for (var i = 0; i < history.Count; i++)
        {
            var e = history[i];
            var taskId = e.TaskId();
            var name = e switch
            {
                ExecutionStartedEvent s => s.Name,
                EventRaisedEvent r => r.Name,
                EventSentEvent s => s.Name,
                _ when taskId is { } id && names.TryGetValue(id, out var n) => n,
                _ => null,
            };
            var data = scrubber.ParseAndScrub(JsonConvert.SerializeObject(e, _json))!;
            entries.Add(new HistoryEntry(i, e.EventType.ToString(), e.At(), taskId, name, scrubber.Scrub(summary.Of(e, name)), data));
        }
        return entries;
    }

    /// <summary>The one-line summaries: what happened, to which call, and for a timer, whether it is a retry wait.</summary>
    private sealed class Summary(Dictionary<int, string> names, RetryLinks links, TaskRouting routing)
    {
        public string Of(HistoryEvent e, string? name) => e switch
        {
            ExecutionStartedEvent s => $"started {s.Name}{(s.ParentInstance is { } p ? $" as a child of {p.OrchestrationInstance?.InstanceId}" : "")}",
            OrchestratorStartedEvent => "orchestration episode starts",
            OrchestratorCompletedEvent => "orchestration episode ends",
            TaskScheduledEvent s => $"{s.Name} scheduled on queue '{routing.QueueOf(s.Name ?? "")}'{Retry(s.EventId)}",
            TaskCompletedEvent => $"{name} completed",
            TaskFailedEvent f => $"{name} failed: {Failure(f.FailureDetails, f.Reason)}",
            TimerCreatedEvent t => Timer(t),
            TimerFiredEvent => "timer fired",
            SubOrchestrationInstanceCreatedEvent c => $"sub-orchestration {c.Name} started as {c.InstanceId}{Retry(c.EventId)}",
            SubOrchestrationInstanceCompletedEvent => $"sub-orchestration {name} completed",
            SubOrchestrationInstanceFailedEvent f => $"sub-orchestration {name} failed: {Failure(f.FailureDetails, f.Reason)}",
            EventRaisedEvent r => $"event '{r.Name}' received",
            EventSentEvent s => $"event '{s.Name}' sent to {s.InstanceId}",
            ExecutionCompletedEvent c => c.FailureDetails is { } failure ? $"{c.OrchestrationStatus}: {Failure(failure, null)}" : c.OrchestrationStatus.ToString(),
            ExecutionTerminatedEvent t => $"terminated{Reason(Unquote(t.Input))}",
            ExecutionSuspendedEvent s => $"suspended{Reason(s.Reason)}",
            ExecutionResumedEvent r => $"resumed{Reason(r.Reason)}",
            ExecutionRewoundEvent r => $"rewound{Reason(r.Reason)}",
            _ => e.EventType.ToString(),
        };

        private string Retry(int taskId) => links.TryGetPreviousAttempt(taskId, out var previous) ? $", retrying #{previous}" : "";

        private string Timer(TimerCreatedEvent t)
        {
            if (!links.TryGetFailedAttempt(t.EventId, out var failed))
                return $"timer until {Time(t.FireAt)}";
            var call = names.TryGetValue(failed, out var n) ? $"{n} #{failed}" : $"#{failed}";
            if (links.IsWaitAfterLastAttempt(t.EventId))
                return $"no retry: {call} failed on its last attempt (the runtime's zero wait before the failure is raised)";
            return links.TryGetNextAttempt(failed, out var next)
                ? $"retry wait until {Time(t.FireAt)}: {call} failed, retried as #{next}"
                : $"retry wait until {Time(t.FireAt)}: {call} failed";
        }

        private static string Failure(FailureDetails? failure, string? reason) =>
            failure is null ? reason ?? "(no details)" : $"{failure.ErrorType}: {failure.ErrorMessage}";

        private static string Reason(string? reason) => string.IsNullOrWhiteSpace(reason) ? "" : $": {reason}";

        // Terminate's reason is the instance's output, a JSON string.
        private static string? Unquote(string? json)
        {
            if (json is null)
                return null;
            try
            {
                return JsonNode.Parse(json) is JsonValue v && v.TryGetValue<string>(out var text) ? text : json;
            }
            catch (System.Text.Json.JsonException)
            {
                return json;
            }
        }

        private static string Time(DateTime at) => HistoryEvents.Utc(at).ToString("yyyy-MM-dd HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
    }
}
