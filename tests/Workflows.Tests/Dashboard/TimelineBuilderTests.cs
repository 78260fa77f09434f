using DurableTask.Core;
using Microsoft.DurableTask.Client;
using RankDistill.Activities.Pipeline;
using RankDistill.TaskHub;
using RankDistill.TaskHub.Gpu;
using RankDistill.Workflows.Dashboard;
using RankDistill.Workflows.Dashboard.Api;
using RankDistill.Workflows.Orchestrations;
using static RankDistill.Workflows.Tests.Dashboard.CoreHistory;

namespace RankDistill.Workflows.Tests.Dashboard;

/// <summary>
/// The step derivation on histories laid out as DurableTask.Core records them (<see cref="CoreHistory"/>), with the
/// events its retry policy leaves: a failure delivered in an episode that creates the retry timer, the next attempt
/// scheduled in the episode where that timer fires, and after the last attempt a timer due at once that no attempt
/// follows. Covers the states a test run passes through too quickly to catch.
/// </summary>
public sealed class TimelineBuilderTests
{
    private const string Pipeline = "pipeline-d1";
    private const string Prepare = nameof(PrepareData);
    private const string Cpt = nameof(ContinuedPretraining);
    private const string Manifest = nameof(WriteRunManifest);
    private const string Shard = nameof(TeacherLabeling);

    private static readonly TaskRouting _routing = new(new HashSet<string> { Cpt, nameof(RankFinetuning), Shard, nameof(Distillation) });
    private static readonly SecretScrubber _scrubber = new([]);

    [Fact]
    public void Build_RetriedActivity_OneStepWithBothAttemptsAndTheWaitBetween()
    {
        var history = new CoreHistory()
            .Episode(0, Started(DistillationPipeline.Name, Pipeline), Scheduled(0, Prepare))
            .Episode(10, Failed(0, at: 9), Timer(1, fireAt: 15))
            .Episode(15.2, Fired(1, at: 15.1), Scheduled(2, Prepare))
            .Episode(30, Completed(2, at: 29));

        var step = Assert.Single(Build(history, now: 40));

        Assert.Equal(("activity", Prepare, "completed", TaskQueues.Default), (step.Kind, step.Name, step.Status, step.Queue));
        Assert.Equal([(1, 0, "failed"), (2, 2, "completed")], step.Attempts.Select(a => (a.Attempt, a.TaskId, a.Outcome)));
        Assert.Equal("System.IO.IOException", step.Attempts[0].Failure?.ErrorType);
        var wait = Assert.Single(step.RetryWaits);
        Assert.Equal((1, AtOffset(9), AtOffset(15.2)), (wait.AfterAttempt, wait.From, wait.Until));
        Assert.Equal((AtOffset(0), AtOffset(29), 29.0), (step.ScheduledAt, step.EndedAt, step.DurationSeconds));
        Assert.Null(step.Failure);
        Assert.Null(step.Waiting);
    }

    [Fact]
    public void Build_FailedAttemptWithRetryTimerPending_IsRetryingUntilTheTimer()
    {
        var history = new CoreHistory()
            .Episode(0, Started(DistillationPipeline.Name, Pipeline), Scheduled(0, Cpt))
            .Episode(10, Failed(0, at: 10, "System.TimeoutException", "slow"), Timer(1, fireAt: 70));

        var step = Assert.Single(Build(history, now: 30));

        Assert.Equal(("retrying", 1), (step.Status, step.Attempts.Count));
        var wait = Assert.Single(step.RetryWaits);
        Assert.Equal((1, AtOffset(10), AtOffset(70), 60.0), (wait.AfterAttempt, wait.From, wait.Until, wait.Seconds));
        Assert.Equal("attempt 1 failed; attempt 2 at 2025-03-01 12:01:10Z", step.Waiting);
        Assert.Null(step.EndedAt);
    }

    [Fact]
    public void Build_LastAttemptFailed_StepFailedWithoutAnotherWaitOrATimerStep()
    {
        // After the last attempt DurableTask.Core's retry policy still makes a timer, due at once; no attempt follows it.
        // The pipeline then records the failure in the manifest and fails.
        var failure = new FailureDetails("Microsoft.DurableTask.TaskFailedException", "Task 'ContinuedPretraining' failed", null, null, false);
        var history = new CoreHistory()
            .Episode(0, Started(DistillationPipeline.Name, Pipeline), Scheduled(0, Cpt))
            .Episode(10, Failed(0, at: 10), Timer(1, fireAt: 15))
            .Episode(15, Fired(1, at: 15), Scheduled(2, Cpt))
            .Episode(20, Failed(2, at: 20, "System.IO.IOException", "disk full"), Timer(3, fireAt: 20))
            .Episode(20.1, Fired(3, at: 20.1), Scheduled(4, Manifest))
            .Episode(21, Completed(4, at: 21), Ended(OrchestrationStatus.Failed, failure));

        var step = Assert.Single(Build(history, now: 21, ended: true));

        Assert.Equal((Cpt, "failed", TaskQueues.Gpu), (step.Name, step.Status, step.Queue));
        Assert.Equal(["failed", "failed"], step.Attempts.Select(a => a.Outcome));
        Assert.Single(step.RetryWaits);
        Assert.Equal(("System.IO.IOException", "disk full"), (step.Failure?.ErrorType, step.Failure?.Message));
        Assert.Equal([new BookkeepingCall(Manifest, "completed", 1, null)], step.Bookkeeping);
        Assert.Equal(AtOffset(20), step.EndedAt);
    }

    [Fact]
    public void Build_LastAttemptFailedBeforeItsZeroWaitFired_FailedNotRetrying()
    {
        // The timer after the last attempt is due at the episode's start (the orchestration's clock): no retry waits on it.
        var history = new CoreHistory()
            .Episode(0, Started(DistillationPipeline.Name, Pipeline), Scheduled(0, Prepare))
            .Episode(10, Failed(0, at: 9), Timer(1, fireAt: 15))
            .Episode(15, Fired(1, at: 15), Scheduled(2, Prepare))
            .Episode(20, Failed(2, at: 19), Timer(3, fireAt: 20));

        var step = Assert.Single(Build(history, now: 20.01));

        Assert.Equal(("failed", 2), (step.Status, step.Attempts.Count));
        Assert.Single(step.RetryWaits);
        Assert.Null(step.Waiting);
        Assert.Equal(AtOffset(19), step.EndedAt);
    }

    [Fact]
    public void Build_NonRetriableFailure_NoTimerFollowsAndTheStepFails()
    {
        var history = new CoreHistory()
            .Episode(0, Started(DistillationPipeline.Name, Pipeline), Scheduled(0, Prepare))
            .Episode(5, Failed(0, at: 5, "RankDistill.Activities.Data.UnusableDropException", "no rows", nonRetriable: true), Scheduled(1, Manifest));

        var step = Assert.Single(Build(history, now: 6));

        Assert.Equal(("failed", 1), (step.Status, step.Attempts.Count));
        Assert.Empty(step.RetryWaits);
        Assert.Equal([new BookkeepingCall(Manifest, "scheduled", 1, null)], step.Bookkeeping);
    }

    [Fact]
    public void Build_ManifestWritesAfterEachStep_FoldedIntoTheStepBefore()
    {
        var history = new CoreHistory()
            .Episode(0, Started(DistillationPipeline.Name, Pipeline), Scheduled(0, Prepare))
            .Episode(10, Completed(0, at: 9), Scheduled(1, Manifest))
            .Episode(11, Completed(1, at: 11), Scheduled(2, Cpt))
            .Episode(50, Completed(2, at: 50), Scheduled(3, Manifest));

        var steps = Build(history, now: 52);

        Assert.Equal([(Prepare, "completed"), (Cpt, "scheduled")], steps.Select(s => (s.Name, s.Status)));
        Assert.Equal([new BookkeepingCall(Manifest, "completed", 1, null)], steps[0].Bookkeeping);
        // The step ends when its record is written, and is open while it is being written.
        Assert.Equal(AtOffset(11), steps[0].EndedAt);
        Assert.Equal([1, 1], steps.Select(s => s.Attempts.Count));
        Assert.Null(steps[1].EndedAt);
        Assert.StartsWith($"recording the step, {Manifest}: running or queued on the default queue", steps[1].Waiting, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_ManifestWriteFailedForGood_ShowsOnItsStep()
    {
        var history = new CoreHistory()
            .Episode(0, Started(DistillationPipeline.Name, Pipeline), Scheduled(0, Prepare))
            .Episode(10, Completed(0, at: 9), Scheduled(1, Manifest))
            .Episode(12, Failed(1, at: 12, "System.UnauthorizedAccessException", "runs/ is read-only", nonRetriable: true), Ended(OrchestrationStatus.Failed));

        var step = Assert.Single(Build(history, now: 12, ended: true));

        Assert.Equal((Prepare, "failed"), (step.Name, step.Status));
        Assert.Equal(["completed"], step.Attempts.Select(a => a.Outcome));
        Assert.Equal(("System.UnauthorizedAccessException", "runs/ is read-only"), (step.Failure?.ErrorType, step.Failure?.Message));
        Assert.Equal("failed", Assert.Single(step.Bookkeeping).Status);
        Assert.Equal(AtOffset(12), step.EndedAt);
    }

    [Fact]
    public void Build_FanOutWithARetriedShard_OneStepSummarisingTheShards()
    {
        // TeacherLabelingShards: every shard scheduled in one episode; shard 1 fails, is retried after its timer, and passes.
        const string Child = Pipeline + ":labeling";
        var history = new CoreHistory()
            .Episode(0, Started(nameof(TeacherLabelingShards), Child), Scheduled(0, Shard), Scheduled(1, Shard), Scheduled(2, Shard))
            .Episode(5, Failed(1, at: 5, "System.TimeoutException", "slow"), Completed(0, at: 5), Timer(3, fireAt: 10))
            .Episode(10, Fired(3, at: 10), Scheduled(4, Shard))
            .Episode(12, Completed(4, at: 12))
            .Episode(14, Completed(2, at: 14), Ended(OrchestrationStatus.Completed));

        var step = Assert.Single(Build(history, now: 14, ended: true, instanceId: Child));

        Assert.Equal(("fanOut", Shard, "completed", TaskQueues.Gpu), (step.Kind, step.Name, step.Status, step.Queue));
        Assert.Equal(new ShardSummary(Shard, 3, 3, 0, 0, 0, 1), step.Shards);
        Assert.Equal(AtOffset(14), step.EndedAt);
        Assert.Null(step.Waiting);
    }

    [Fact]
    public void Build_FanOutWhileRunning_CountsRunningWaitingAndRetryingShards()
    {
        const string Child = Pipeline + ":labeling";
        var history = new CoreHistory()
            .Episode(0, Started(nameof(TeacherLabelingShards), Child), Scheduled(0, Shard), Scheduled(1, Shard), Scheduled(2, Shard), Scheduled(3, Shard))
            .Episode(5, Completed(0, at: 5))
            .Episode(6, Failed(1, at: 6), Timer(4, fireAt: 20));
        var gpu = new Dictionary<string, OrchestrationRuntimeStatus>
        {
            [GpuStep.InstanceIdFor(Child, 0)] = OrchestrationRuntimeStatus.Completed,
            [GpuStep.InstanceIdFor(Child, 1)] = OrchestrationRuntimeStatus.Failed,
            [GpuStep.InstanceIdFor(Child, 2)] = OrchestrationRuntimeStatus.Running,
            // Shard 3's step is not in the gpu hub yet: waiting like a Pending one.
        };

        var step = Assert.Single(Build(history, now: 8, instanceId: Child, gpuSteps: gpu));

        Assert.Equal("running", step.Status);
        Assert.Equal(new ShardSummary(Shard, 4, 1, 0, 1, 2, 0), step.Shards);
        Assert.Equal("1 of 4 done, 1 running, 2 waiting", step.Waiting);
    }

    [Fact]
    public void Build_SeparateCallsOfOneActivity_AreStepsOfTheirOwn()
    {
        var history = new CoreHistory()
            .Episode(0, Started(DistillationPipeline.Name, Pipeline), Scheduled(0, Prepare))
            .Episode(5, Completed(0, at: 5), Scheduled(1, Prepare))
            .Episode(9, Completed(1, at: 9));

        var steps = Build(history, now: 10);

        Assert.Equal(["activity", "activity"], steps.Select(s => s.Kind));
    }

    [Theory]
    [InlineData(null, "waiting", "waiting for a GPU worker (attempt 1, scheduled 2025-03-01 12:00:00Z); not failed")]
    [InlineData(OrchestrationRuntimeStatus.Pending, "waiting", "waiting for a GPU worker (attempt 1, scheduled 2025-03-01 12:00:00Z); not failed")]
    [InlineData(OrchestrationRuntimeStatus.Running, "running", "running on a GPU worker (attempt 1, GPU step pipeline-d1@2)")]
    public void Build_GpuStepWithoutResult_TakesItsStateFromTheGpuHub(OrchestrationRuntimeStatus? gpuStep, string status, string waiting)
    {
        var history = new CoreHistory()
            .Episode(0, Started(DistillationPipeline.Name, Pipeline), Scheduled(0, Prepare))
            .Episode(0, Completed(0, at: 0), Scheduled(1, Manifest))
            .Episode(0, Completed(1, at: 0), Scheduled(2, Cpt));
        var gpu = gpuStep is { } s ? new Dictionary<string, OrchestrationRuntimeStatus> { [GpuStep.InstanceIdFor(Pipeline, 2)] = s } : [];

        var step = Build(history, now: 600, gpuSteps: gpu)[^1];

        Assert.Equal((Cpt, status, TaskQueues.Gpu), (step.Name, step.Status, step.Queue));
        Assert.StartsWith(waiting, step.Waiting, StringComparison.Ordinal);
        Assert.Equal((status, (DateTimeOffset?)null), (step.Attempts[0].Outcome, step.Attempts[0].EndedAt));
        Assert.Equal(600, step.DurationSeconds);
    }

    [Fact]
    public void Build_DefaultQueueActivityWithoutResult_IsScheduledNotClaimedRunning()
    {
        var history = new CoreHistory().Episode(0, Started(DistillationPipeline.Name, Pipeline), Scheduled(0, Prepare));

        var step = Assert.Single(Build(history, now: 30));

        Assert.Equal("scheduled", step.Status);
        Assert.Equal("running or queued on the default queue (attempt 1, scheduled 2025-03-01 12:00:00Z); the task hub does not say which", step.Waiting);
    }

    [Fact]
    public void Build_InstanceEndedWithOpenCalls_TheyAreCancelledNotRunning()
    {
        var history = new CoreHistory()
            .Episode(0, Started(DistillationPipeline.Name, Pipeline), Scheduled(0, Cpt), Timer(1, fireAt: 600))
            .Episode(50, Terminated("stop", at: 50), Ended(OrchestrationStatus.Terminated));

        var steps = Build(history, now: 50, ended: true);

        Assert.Equal([("activity", "cancelled"), ("timer", "cancelled")], steps.Select(s => (s.Kind, s.Status)));
        Assert.All(steps, s => Assert.Equal(50, s.DurationSeconds));
    }

    [Fact]
    public void Build_SubOrchestration_TakesChildStatusAndShards()
    {
        var history = new CoreHistory()
            .Episode(0, Started(DistillationPipeline.Name, Pipeline), Child(0, nameof(TeacherLabelingShards), Pipeline + ":labeling"));
        var shards = new ShardSummary(Shard, 8, 3, 0, 2, 3, 0);
        var children = new Dictionary<string, ChildState> { [Pipeline + ":labeling"] = new(OrchestrationRuntimeStatus.Running, shards) };

        var step = Assert.Single(Build(history, now: 5, children: children));

        Assert.Equal(("subOrchestration", "running", Pipeline + ":labeling", shards), (step.Kind, step.Status, step.ChildInstanceId, step.Shards));
        Assert.Null(step.Queue);
    }

    [Fact]
    public void Build_SubOrchestrationCompleted_FoldsItsManifestWrite()
    {
        var history = new CoreHistory()
            .Episode(0, Started(DistillationPipeline.Name, Pipeline), Child(0, nameof(TeacherLabelingShards), Pipeline + ":labeling"))
            .Episode(30, ChildCompleted(0, at: 30), Scheduled(1, Manifest))
            .Episode(31, Completed(1, at: 31));

        var step = Assert.Single(Build(history, now: 40));

        Assert.Equal(("subOrchestration", "completed", AtOffset(31)), (step.Kind, step.Status, step.EndedAt));
    }

    [Fact]
    public void Summarise_ChildSteps_TheLargestFanOut()
    {
        var history = new CoreHistory()
            .Episode(0, Started(nameof(TeacherLabelingShards), "c"), Scheduled(0, Shard), Scheduled(1, Shard))
            .Episode(3, Completed(0, at: 3), Completed(1, at: 3), Ended(OrchestrationStatus.Completed));

        var summary = TimelineBuilder.Summarise(Build(history, now: 3, ended: true, instanceId: "c"));

        Assert.Equal(new ShardSummary(Shard, 2, 2, 0, 0, 0, 0), summary);
    }

    private static IReadOnlyList<TimelineStep> Build(
        CoreHistory history, double now, bool ended = false, string instanceId = Pipeline,
        IReadOnlyDictionary<string, OrchestrationRuntimeStatus>? gpuSteps = null, IReadOnlyDictionary<string, ChildState>? children = null) =>
        TimelineBuilder.Build(history.Events,
            new TimelineContext(instanceId, _routing, gpuSteps ?? new Dictionary<string, OrchestrationRuntimeStatus>(), children ?? new Dictionary<string, ChildState>(), ended, AtOffset(now)),
            _scrubber);
}
