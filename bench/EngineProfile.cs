using System.Globalization;
using DurableTask.Core.History;
using Microsoft.DurableTask.Client;

namespace RankDistill.Bench;

/// <summary>
/// The engine benchmark's <c>--profile</c> view: where an instance's time went, read from the timestamps DurableTask.Core
/// puts in its history. Each orchestration step is OrchestratorStarted, the messages it took (TaskCompleted, stamped when
/// their activity finished), what it decided (TaskScheduled), OrchestratorCompleted; between two steps the provider
/// commits one and hands out the next.
/// </summary>
internal static class EngineProfile
{
    public static async Task PrintAsync(DurableTaskClient client, string instanceId, CancellationToken cancellationToken)
    {
        var history = await client.GetOrchestrationHistoryAsync(instanceId, cancellationToken);
        var steps = Steps(history);
        var start = history.OfType<ExecutionStartedEvent>().Single().Timestamp;
        var end = history.OfType<ExecutionCompletedEvent>().Single().Timestamp;
        var replay = steps.Sum(s => (s.Completed - s.Started).TotalMilliseconds);
        var between = steps.Zip(steps.Skip(1), (a, b) => (b.Started - a.Completed).TotalMilliseconds).Sum();
        // How long each activity's completion waited for the step that took it.
        var waits = steps.SelectMany(s => s.Taken.Select(t => (s.Started - t).TotalMilliseconds)).Order().ToArray();
        var batches = steps.Skip(1).Select(s => s.Taken.Count).Order().ToArray();
        var completions = history.OfType<TaskCompletedEvent>().Select(e => e.Timestamp).Order().ToArray();
        var scheduled = history.OfType<TaskScheduledEvent>().Select(e => e.Timestamp).Order().ToArray();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"""
              {instanceId}: {(end - start).TotalMilliseconds:F0} ms from ExecutionStarted to ExecutionCompleted, {history.Count} events
                orchestration steps: {steps.Count}, activity results per step p50={Median(batches)} max={(batches.Length > 0 ? batches[^1] : 0)};
                  inside steps (replay + decisions) {replay:F0} ms, between steps (commit, next hand-out) {between:F0} ms,
                  first step started {(steps[0].Started - start).TotalMilliseconds:F0} ms after ExecutionStarted
                activities: first TaskScheduled to first TaskCompleted {(completions[0] - scheduled[0]).TotalMilliseconds:F0} ms,
                  TaskCompleted stamps span {(completions[^1] - completions[0]).TotalMilliseconds:F0} ms ({completions.Length / Math.Max((completions[^1] - completions[0]).TotalSeconds, 1e-3):F0}/s),
                  a result waited for its step p50={Median(waits):F0} ms max={(waits.Length > 0 ? waits[^1] : 0):F0} ms;
                  last TaskCompleted to ExecutionCompleted {(end - completions[^1]).TotalMilliseconds:F0} ms
              """));
    }

    private static List<Step> Steps(IList<HistoryEvent> history)
    {
        var steps = new List<Step>();
        Step? current = null;
        foreach (var e in history)
        {
            switch (e)
            {
                case OrchestratorStartedEvent:
                    current = new Step(e.Timestamp);
                    steps.Add(current);
                    break;
                case TaskCompletedEvent when current is not null:
                    current.Taken.Add(e.Timestamp);
                    break;
                case OrchestratorCompletedEvent when current is not null:
                    current.Completed = e.Timestamp;
                    break;
                default:
                    break;
            }
        }
        return steps;
    }

    private static double Median(double[] sorted) => sorted.Length == 0 ? 0 : sorted[sorted.Length / 2];

    private static int Median(int[] sorted) => sorted.Length == 0 ? 0 : sorted[sorted.Length / 2];

    private sealed class Step(DateTime started)
    {
        public DateTime Started { get; } = started;

        public DateTime Completed { get; set; } = started;

        public List<DateTime> Taken { get; } = [];
    }
}
