using RankDistill.Durable;
using RankDistill.Durable.Client;
using RankDistill.Durable.History;
using RankDistill.Workflows.Dashboard;
using RankDistill.Workflows.Dashboard.Api;

namespace RankDistill.Workflows.Tests.Dashboard;

/// <summary>
/// The step derivation on hand-written histories, for the states a test run passes through too quickly to catch:
/// waiting out a retry, running on a worker, delayed after a lost dispatch, cancelled by the instance's end.
/// </summary>
public sealed class TimelineBuilderTests
{
    private static readonly DateTimeOffset _t0 = new(2025, 3, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly SecretScrubber _scrubber = new([]);

    [Fact]
    public void Build_FailedAttemptWithRetryTimerPending_StepIsRetryingUntilTheTimer()
    {
        var history = Events(
            new OrchestratorStarted(),
            new TaskScheduled(0, "Train", "gpu", "{}", 1),
            new TaskFailed(0, new FailureDetails("System.TimeoutException", "slow")) { Timestamp = At(10) },
            new OrchestratorStarted(),
            new TimerCreated(1, At(70), TimerCreated.RetryPurpose) { Timestamp = At(10) });

        var step = Assert.Single(Build(history, [], ended: false, now: At(30)));

        Assert.Equal(("retrying", 1), (step.Status, step.Attempts.Count));
        var wait = Assert.Single(step.RetryWaits);
        Assert.Equal((1, At(10), At(70), 60.0), (wait.AfterAttempt, wait.From, wait.Until, wait.Seconds));
        Assert.Contains("attempt 2 at 2025-03-01 12:01:10Z", step.Waiting, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_SecondAttemptLockedByAWorker_IsRunningThere()
    {
        var history = Events(
            new OrchestratorStarted(),
            new TaskScheduled(0, "Train", "gpu", "{}", 1),
            new TaskStarted(0, "Train", 1, 1, "gpu-box-1") { Timestamp = At(1) },
            new TaskFailed(0, new FailureDetails("System.IO.IOException", "disk")) { Timestamp = At(10) },
            new OrchestratorStarted(),
            new TimerCreated(1, At(20), TimerCreated.RetryPurpose) { Timestamp = At(10) },
            new TimerFired(1, At(20)) { Timestamp = At(20) },
            new OrchestratorStarted(),
            new TaskScheduled(2, "Train", "gpu", "{}", 2) { Timestamp = At(20) });
        PendingWork[] pending = [Activity(2, attempt: 2, lockedBy: "gpu-box-2", dispatches: 2, visibleAt: At(20))];

        var step = Assert.Single(Build(history, pending, ended: false, now: At(40)));

        Assert.Equal(("running", "gpu-box-2"), (step.Status, step.Worker));
        Assert.Equal([("failed", "gpu-box-1", 1), ("running", "gpu-box-2", 2)], step.Attempts.Select(a => (a.Outcome, a.Worker, a.Dispatches)));
        var wait = Assert.Single(step.RetryWaits);
        Assert.Equal((At(10), At(20)), (wait.From, wait.Until));
        Assert.Equal(40, step.DurationSeconds);
        Assert.Contains("running on gpu-box-2 (attempt 2, dispatch 2)", step.Waiting, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_UnlockedItemNotYetVisible_IsDelayed()
    {
        var history = Events(new OrchestratorStarted(), new TaskScheduled(0, "Distill", "gpu", "{}"));

        var step = Assert.Single(Build(history, [Activity(0, attempt: 1, lockedBy: null, dispatches: 1, visibleAt: At(90))], ended: false, now: At(30)));

        Assert.Equal("delayed", step.Status);
    }

    [Fact]
    public void Build_InstanceEndedWithOpenCalls_TheyAreCancelledNotRunning()
    {
        var history = Events(
            new OrchestratorStarted(),
            new TaskScheduled(0, "Train", "gpu", "{}"),
            new TimerCreated(1, At(600)),
            new ExecutionTerminated("stop") { Timestamp = At(50) });

        var steps = Build(history, [], ended: true, now: At(50));

        Assert.Equal([("activity", "cancelled"), ("timer", "cancelled")], steps.Select(s => (s.Kind, s.Status)));
        Assert.All(steps, s => Assert.Equal(50, s.DurationSeconds));
    }

    [Fact]
    public void Build_CallsOfOneActivityInOneStep_AreOneFanOutWithRetriesLinkedByInput()
    {
        var history = Events(
            new OrchestratorStarted(),
            new TaskScheduled(0, "LabelShard", "gpu", "{\"shard\":0}"),
            new TaskScheduled(1, "LabelShard", "gpu", "{\"shard\":1}"),
            new TaskScheduled(2, "LabelShard", "gpu", "{\"shard\":2}"),
            new TaskFailed(1, new FailureDetails("System.TimeoutException", "slow")) { Timestamp = At(5) },
            new TaskCompleted(0, "1") { Timestamp = At(6) },
            new OrchestratorStarted(),
            new TimerCreated(3, At(8), TimerCreated.RetryPurpose) { Timestamp = At(6) },
            new TimerFired(3, At(8)) { Timestamp = At(8) },
            new OrchestratorStarted(),
            new TaskScheduled(4, "LabelShard", "gpu", "{\"shard\":1}", 2) { Timestamp = At(8) },
            new TaskCompleted(4, "1") { Timestamp = At(9) },
            // A later, separate call of the same activity is its own step.
            new OrchestratorStarted(),
            new TaskScheduled(5, "LabelShard", "gpu", "{\"shard\":9}") { Timestamp = At(10) });

        var steps = Build(history, [Activity(2, 1, lockedBy: "w", dispatches: 1, visibleAt: At(0))], ended: false, now: At(20));

        Assert.Equal(["fanOut", "activity"], steps.Select(s => s.Kind));
        Assert.Equal(new ShardSummary("LabelShard", 3, 2, 0, 1, 0, 1), steps[0].Shards);
        Assert.Equal("running", steps[0].Status);
        Assert.Equal("scheduled", steps[1].Status);
    }

    [Fact]
    public void Build_SubOrchestration_TakesChildStatusAndShards()
    {
        var history = Events(new OrchestratorStarted(), new SubOrchestrationCreated(0, "TeacherLabeling", "p:1:0", "{}"));
        var shards = new ShardSummary("LabelShard", 8, 3, 0, 2, 3, 0);
        var children = new Dictionary<string, TimelineBuilder.ChildState> { ["p:1:0"] = new(OrchestrationRuntimeStatus.Running, shards) };

        var step = Assert.Single(TimelineBuilder.Build(history, [], false, At(5), children, _scrubber));

        Assert.Equal(("subOrchestration", "running", "p:1:0", shards), (step.Kind, step.Status, step.ChildInstanceId, step.Shards));
    }

    private static IReadOnlyList<TimelineStep> Build(IReadOnlyList<HistoryEvent> history, IReadOnlyList<PendingWork> pending, bool ended, DateTimeOffset now) =>
        TimelineBuilder.Build(history, pending, ended, now, new Dictionary<string, TimelineBuilder.ChildState>(), _scrubber);

    // Events without a timestamp of their own happen at t0.
    private static List<HistoryEvent> Events(params HistoryEvent[] events) =>
        [.. events.Select(e => e.Timestamp == default ? e with { Timestamp = _t0 } : e)];

    private static DateTimeOffset At(int seconds) => _t0.AddSeconds(seconds);

    private static PendingWork Activity(int taskId, int attempt, string? lockedBy, int dispatches, DateTimeOffset visibleAt) => new()
    {
        Kind = PendingWorkKind.Activity,
        Name = "Train",
        Queue = "gpu",
        TaskId = taskId,
        Attempt = attempt,
        EnqueuedAt = visibleAt,
        VisibleAt = visibleAt,
        DispatchCount = dispatches,
        LockedBy = lockedBy,
        LockedUntil = lockedBy is null ? null : visibleAt.AddMinutes(1),
    };
}
