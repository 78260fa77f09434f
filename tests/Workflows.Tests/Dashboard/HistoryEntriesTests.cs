using DurableTask.Core;
using RankDistill.Activities.Pipeline;
using RankDistill.TaskHub;
using RankDistill.Workflows.Dashboard;
using RankDistill.Workflows.Orchestrations;
using static RankDistill.Workflows.Tests.Dashboard.CoreHistory;

namespace RankDistill.Workflows.Tests.Dashboard;

/// <summary>The history as <c>GET /api/instances/{id}/history</c> shows it: DurableTask.Core's events, summarised and scrubbed.</summary>
public sealed class HistoryEntriesTests
{
    private const string Cpt = nameof(ContinuedPretraining);
    private static readonly TaskRouting _routing = new(new HashSet<string> { Cpt });

    [Fact]
    public void From_RetriedGpuStep_SummariesNameTheCallTheQueueAndTheRetry()
    {
        var history = new CoreHistory()
            .Episode(0, Started(DistillationPipeline.Name, "pipeline-d1"), Scheduled(0, Cpt))
            .Episode(10, Failed(0, at: 9, "System.IO.IOException", "disk"), Timer(1, fireAt: 15))
            .Episode(15, Fired(1, at: 15), Scheduled(2, Cpt))
            .Episode(20, Completed(2, at: 20), Scheduled(3, nameof(WriteRunManifest)));

        var entries = HistoryEntries.From(history.Events, _routing, new SecretScrubber([]));

        Assert.Equal(Enumerable.Range(0, entries.Count), entries.Select(e => e.Index));
        Assert.Equal(
        [
            ("OrchestratorStarted", null, null, "orchestration episode starts"),
            ("ExecutionStarted", null, DistillationPipeline.Name, $"started {DistillationPipeline.Name}"),
            ("TaskScheduled", 0, Cpt, $"{Cpt} scheduled on queue 'gpu'"),
            ("OrchestratorCompleted", null, null, "orchestration episode ends"),
            ("OrchestratorStarted", null, null, "orchestration episode starts"),
            ("TaskFailed", 0, Cpt, $"{Cpt} failed: System.IO.IOException: disk"),
            ("TimerCreated", 1, null, $"retry wait until 2025-03-01 12:00:15.000Z: {Cpt} #0 failed, retried as #2"),
            ("OrchestratorCompleted", null, null, "orchestration episode ends"),
            ("OrchestratorStarted", null, null, "orchestration episode starts"),
            ("TimerFired", 1, null, "timer fired"),
            ("TaskScheduled", 2, Cpt, $"{Cpt} scheduled on queue 'gpu', retrying #0"),
            ("OrchestratorCompleted", null, null, "orchestration episode ends"),
            ("OrchestratorStarted", null, null, "orchestration episode starts"),
            ("TaskCompleted", 2, Cpt, $"{Cpt} completed"),
            ("TaskScheduled", 3, nameof(WriteRunManifest), $"{nameof(WriteRunManifest)} scheduled on queue 'default'"),
            ("OrchestratorCompleted", null, null, "orchestration episode ends"),
        ],
        entries.Select(e => (e.Type, e.TaskId, e.Name, e.Summary)));
        Assert.Equal(AtOffset(9), entries[5].Timestamp);
        Assert.Equal(Cpt, entries[2].Data["Name"]?.GetValue<string>());
    }

    [Fact]
    public void From_LastAttemptFailed_ItsZeroWaitSaysNoRetry()
    {
        var history = new CoreHistory()
            .Episode(0, Started(DistillationPipeline.Name, "p"), Scheduled(0, Cpt))
            .Episode(10, Failed(0, at: 10), Timer(1, fireAt: 10));

        var timer = Assert.Single(HistoryEntries.From(history.Events, _routing, new SecretScrubber([])), e => e.Type == "TimerCreated");

        Assert.Equal($"no retry: {Cpt} #0 failed on its last attempt (the runtime's zero wait before the failure is raised)", timer.Summary);
    }

    [Fact]
    public void From_TerminatedAndFailed_ReasonsReadable()
    {
        var history = new CoreHistory()
            .Episode(0, Started(DistillationPipeline.Name, "p"))
            .Episode(5, Terminated("wrong drop", at: 5), Ended(OrchestrationStatus.Terminated))
            .Episode(6, Ended(OrchestrationStatus.Failed, new FailureDetails("System.InvalidOperationException", "boom", null, null, false)));

        var summaries = HistoryEntries.From(history.Events, _routing, new SecretScrubber([])).Select(e => e.Summary).ToList();

        Assert.Contains("terminated: wrong drop", summaries);
        Assert.Contains("Terminated", summaries);
        Assert.Contains("Failed: System.InvalidOperationException: boom", summaries);
    }

    [Fact]
    public void From_SecretInAFailure_ScrubbedInSummaryAndData()
    {
        const string Secret = "s3cr3t-password-value";
        var history = new CoreHistory()
            .Episode(0, Started(DistillationPipeline.Name, "p"), Scheduled(0, Cpt))
            .Episode(5, Failed(0, at: 5, "System.Exception", $"could not log in with Password={Secret}"));

        var entries = HistoryEntries.From(history.Events, _routing, new SecretScrubber([Secret]));

        var failed = Assert.Single(entries, e => e.Type == "TaskFailed");
        Assert.DoesNotContain(Secret, failed.Summary, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, failed.Data.ToJsonString(), StringComparison.Ordinal);
        Assert.Contains("could not log in with Password=***", failed.Summary, StringComparison.Ordinal);
    }
}
