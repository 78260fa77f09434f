using DurableTask.Core;
using DurableTask.Core.History;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using RankDistill.Activities.Pipeline;
using RankDistill.TaskHub;
using RankDistill.Workflows.Dashboard;
using RankDistill.Workflows.Dashboard.Api;
using static RankDistill.Workflows.Tests.Dashboard.CoreHistory;

namespace RankDistill.Workflows.Tests.Dashboard;

/// <summary>
/// <see cref="RetryLinks"/> against the runtime's own retry policy: histories recorded by running an orchestrator on
/// DurableTask.Core's executor (<see cref="EpisodeRecorder"/>), so the timers and attempts are the ones
/// DurableTask.Core's retry interceptor makes. The link is checked against what the test knows and the dashboard does
/// not use: the shard each attempt was for.
/// </summary>
public sealed class RetryLinksTests
{
    private const string Shard = nameof(TeacherLabeling);
    private static readonly TaskRouting _routing = new(new HashSet<string> { Shard });

    [Fact]
    public void Read_ShardsFailingInOneEpisode_EachRetryLinkedToItsOwnShard()
    {
        var run = new EpisodeRecorder(nameof(ShardFanOut), new ShardFanOut());
        var shards = run.Start("3", 0).OfType<TaskScheduledEvent>().ToList();
        // Shard 2's failure is delivered before shard 1's; each gets its own retry timer.
        var timers = run.Episode(10, Failed(shards[2].EventId, 10), Failed(shards[1].EventId, 10), Completed(shards[0].EventId, 10)).OfType<TimerCreatedEvent>().ToList();
        Assert.Equal(2, timers.Count);
        // The timers fire in the other order; each fired timer's retry is scheduled in the episode it is delivered in.
        var retries = run.Episode(15, Fired(timers[1].EventId, 15), Fired(timers[0].EventId, 15)).OfType<TaskScheduledEvent>().ToList();
        Assert.Equal(2, retries.Count);
        run.Episode(20, Completed(retries[0].EventId, 20), Completed(retries[1].EventId, 20));

        var links = RetryLinks.Read(run.History);

        foreach (var retry in retries)
        {
            Assert.True(links.TryGetPreviousAttempt(retry.EventId, out var previous));
            Assert.Equal(InputOf(run, previous), retry.Input);
        }
        Assert.All(timers, t => Assert.True(links.IsRetryTimer(t.EventId)));
        var step = Assert.Single(Build(run));
        Assert.Equal(("fanOut", "completed"), (step.Kind, step.Status));
        Assert.Equal(new ShardSummary(Shard, 3, 3, 0, 0, 0, 2), step.Shards);
    }

    [Fact]
    public void Read_EveryAttemptFailed_RetriesLinkedAndTheLastTimerStartsNoAttempt()
    {
        var run = new EpisodeRecorder(nameof(ShardFanOut), new ShardFanOut());
        var call = run.Start("1", 0).OfType<TaskScheduledEvent>().Single();
        var attempts = new List<int> { call.EventId };
        for (var attempt = 1; attempt <= ShardFanOut.Attempts; attempt++)
        {
            var t = attempt * 10;
            var timer = run.Episode(t, Failed(attempts[^1], t)).OfType<TimerCreatedEvent>().Single();
            // Between the failure and its timer firing: retrying, except after the last attempt.
            Assert.Equal(attempt < ShardFanOut.Attempts ? "retrying" : "failed", Assert.Single(Build(run)).Status);
            var next = run.Episode(t + 5, Fired(timer.EventId, t + 5)).OfType<TaskScheduledEvent>().SingleOrDefault();
            if (next is null)
                break;
            attempts.Add(next.EventId);
        }

        var links = RetryLinks.Read(run.History);

        Assert.Equal(ShardFanOut.Attempts, attempts.Count);
        Assert.Equal(OrchestrationStatus.Failed, run.History.OfType<ExecutionCompletedEvent>().Single().OrchestrationStatus);
        Assert.False(links.TryGetNextAttempt(attempts[^1], out _));
        var waits = run.History.OfType<TimerCreatedEvent>().Select(t => links.IsWaitAfterLastAttempt(t.EventId));
        Assert.Equal([false, false, true], waits);
        var step = Assert.Single(Build(run, ended: true));
        Assert.Equal(("activity", "failed"), (step.Kind, step.Status));
        Assert.Equal(attempts, step.Attempts.Select(a => a.TaskId));
        Assert.Equal(ShardFanOut.Attempts - 1, step.RetryWaits.Count);
    }

    [Fact]
    public void Read_OneShardNotRetried_ShardCountsStayRight()
    {
        // A failure the policy does not retry gets no timer, so when one arrives with a retried one the timer's owner is
        // ambiguous: RetryLinks gives it to the first failure received. Which shard is not asserted; the counts are.
        var run = new EpisodeRecorder(nameof(ShardFanOut), new ShardFanOut());
        var shards = run.Start("3", 0).OfType<TaskScheduledEvent>().ToList();
        var timer = run.Episode(10, Failed(shards[2].EventId, 10, ShardFanOut.Fatal, "bad settings"), Failed(shards[1].EventId, 10), Completed(shards[0].EventId, 10))
            .OfType<TimerCreatedEvent>().Single();
        var retry = run.Episode(15, Fired(timer.EventId, 15)).OfType<TaskScheduledEvent>().Single();
        run.Episode(20, Completed(retry.EventId, 20));

        var step = Assert.Single(Build(run, ended: true));

        Assert.Equal(OrchestrationStatus.Failed, run.History.OfType<ExecutionCompletedEvent>().Single().OrchestrationStatus);
        Assert.Equal(("fanOut", "failed"), (step.Kind, step.Status));
        Assert.Equal(new ShardSummary(Shard, 3, 2, 1, 0, 0, 1), step.Shards);
    }

    private static string? InputOf(EpisodeRecorder run, int taskId) => run.History.OfType<TaskScheduledEvent>().Single(s => s.EventId == taskId).Input;

    private static IReadOnlyList<TimelineStep> Build(EpisodeRecorder run, bool ended = false) =>
        TimelineBuilder.Build(run.History,
            new TimelineContext("i", _routing, new Dictionary<string, OrchestrationRuntimeStatus>(), new Dictionary<string, ChildState>(), ended, AtOffset(100)),
            new SecretScrubber([]));

    /// <summary>Labels <c>n</c> shards at once, each with a retry policy like the pipeline's (an error of type <see cref="Fatal"/> is not retried).</summary>
    private sealed class ShardFanOut : TaskOrchestrator<int, int>
    {
        public const int Attempts = 3;
        public const string Fatal = "Fatal";

        private static readonly TaskOptions _retry = TaskOptions.FromRetryPolicy(
            new RetryPolicy(Attempts, TimeSpan.FromSeconds(5)) { HandleFailure = f => f.ErrorType != Fatal });

        public override async Task<int> RunAsync(TaskOrchestrationContext context, int shards) =>
            (await Task.WhenAll(Enumerable.Range(0, shards).Select(i => context.CallActivityAsync<int>(Shard, i, _retry)))).Sum();
    }
}
