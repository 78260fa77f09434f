using Microsoft.DurableTask.Client;
using RankDistill.Activities.Pipeline;
using RankDistill.Activities.Storage;
using RankDistill.Workflows.Orchestrations;
using RankDistill.Workflows.Tests.Demo;

namespace RankDistill.Workflows.Tests.Pipeline;

/// <summary>
/// A real worker process (the host's <c>worker</c> command) killed with SIGKILL in the middle of ContinuedPretraining,
/// started again and killed in the middle of Distillation, then started a third time: the run completes, no completed
/// step runs again, each interrupted stage resumes from its last checkpoint, and the student and its metrics equal
/// those of a run that was never interrupted. A second run is killed while TeacherLabeling's shards are being labelled:
/// only the shard in flight is labelled again, and every label file and the student equal an uninterrupted run's.
/// </summary>
public sealed class PipelineCrashTests
{
    private const string DropId = "crash";

    // Long enough a CPT and distillation to kill each after its first checkpoints and well before its end.
    private static readonly PipelineSettings _settings = PipelineSettings.Tiny with
    {
        ContinuedPretraining = PipelineSettings.Tiny.ContinuedPretraining with { Steps = 400, CheckpointEvery = 20 },
        Distillation = PipelineSettings.Tiny.Distillation with { Steps = 300, CheckpointEvery = 20 },
    };

    [Fact]
    public async Task Worker_KilledDuringContinuedPretrainingAndDistillation_ResumesFromCheckpointsAndMatchesUninterruptedRun()
    {
        var ct = TestContext.Current.CancellationToken;
        using var crashed = new TemporaryFolder();
        using var clean = new TemporaryFolder();
        var runId = DistillationPipeline.InstanceIdFor(DropId);

        // Submitted by a client-only host; run by worker processes on the same data folder.
        await using var client = await PipelineTestHost.StartAsync(crashed.Path, worker: false);
        await TinyWorld.WriteDropAsync(client.Store, DropId);
        Assert.True((await PipelineSubmission.SubmitAsync(client.Client, DropId, _settings, ct)).Started);

        var cptAtKill = await RunUntilKilledAsync(client, crashed.Path, runId, "ContinuedPretraining");
        var distillAtKill = await RunUntilKilledAsync(client, crashed.Path, runId, "Distillation");
        using (var last = StartWorker(crashed.Path))
        {
            var instance = await client.WaitAsync(runId, TimeSpan.FromMinutes(3));
            Assert.True(instance.RuntimeStatus == OrchestrationRuntimeStatus.Completed, $"{instance.RuntimeStatus}: {instance.FailureDetails}\n{last.Output}");
        }

        // Each step was called once: a killed worker's step was taken over, not failed and retried.
        var history = await PipelineHistory.ReadAsync(client.Client, runId);
        foreach (var step in new[] { "PrepareData", "ContinuedPretraining", "RankFinetuning", "StudentPretraining", "Distillation", "Evaluation", "Publish" })
            Assert.Equal(1, history.Attempts(step));
        var manifest = (await WriteRunManifest.ReadAsync(client.Store, runId, ct))!;
        // Lost work is at most one checkpoint interval: each resumed from the checkpoint saved before the kill, or a later one.
        foreach (var (stage, atKill, steps) in new[]
                 {
                     (RunLayout.Stages.ContinuedPretraining, cptAtKill, _settings.ContinuedPretraining.Steps),
                     (RunLayout.Stages.Distillation, distillAtKill, _settings.Distillation.Steps),
                 })
        {
            var step = manifest.Steps.Single(s => s.Stage == stage);
            Assert.InRange(step.Metrics["resumed_from_step"], atKill, steps - 1);
            Assert.Equal(steps, step.Metrics["steps"]);
        }

        // The same run, never interrupted, in this process.
        await using var reference = await PipelineTestHost.StartAsync(clean.Path);
        await TinyWorld.WriteDropAsync(reference.Store, DropId);
        var uninterrupted = await reference.RunAsync(DropId, _settings);
        Assert.Equal(OrchestrationRuntimeStatus.Completed, uninterrupted.RuntimeStatus);

        await AssertSameBytesAsync(reference.Store, client.Store, StudentWeights(runId));
        var expected = uninterrupted.ReadOutputAs<PipelineOutput>()!.Metrics;
        var actual = (await client.Client.GetInstanceAsync(runId, getInputsAndOutputs: true, ct))!.ReadOutputAs<PipelineOutput>()!.Metrics;
        Assert.Equal(expected.Teacher, actual.Teacher);
        Assert.Equal(expected.Student, actual.Student);
        Assert.Equal(expected.Bm25, actual.Bm25);
    }

    [Fact]
    public async Task Worker_KilledDuringTeacherLabeling_RedoesOnlyTheUnfinishedShardAndMatchesUninterruptedRun()
    {
        var ct = TestContext.Current.CancellationToken;
        using var crashed = new TemporaryFolder();
        using var clean = new TemporaryFolder();
        const string dropId = "crash-labels";
        var runId = DistillationPipeline.InstanceIdFor(dropId);
        // One list a shard over a few hundred queries: seconds of labelling, one shard at a time on the gpu queue.
        var world = TinyWorld.Options with { Queries = 150 };
        var settings = PipelineSettings.Tiny with { LabelingShardSize = 1 };

        await using var client = await PipelineTestHost.StartAsync(crashed.Path, worker: false);
        await TinyWorld.WriteDropAsync(client.Store, dropId, world);
        Assert.True((await PipelineSubmission.SubmitAsync(client.Client, dropId, settings, ct)).Started);

        var labels = $"{RunLayout.Root(runId)}/labels/";
        List<ArtifactInfo> labelledAtKill;
        using (var worker = StartWorker(crashed.Path))
        {
            await worker.WaitUntilAsync(async () => await client.Store.ListAsync(labels, ct).CountAsync(ct) >= 3, "three labelled shards", TimeSpan.FromMinutes(2));
            worker.Kill();
            labelledAtKill = await client.Store.ListAsync(labels, ct).ToListAsync(ct);
        }
        Assert.Null(await client.Store.OpenSetAsync(RunLayout.Model(runId, RunLayout.Stages.Distillation), ct));
        using (var last = StartWorker(crashed.Path))
        {
            var instance = await client.WaitAsync(runId, TimeSpan.FromMinutes(3));
            Assert.True(instance.RuntimeStatus == OrchestrationRuntimeStatus.Completed, $"{instance.RuntimeStatus}: {instance.FailureDetails}\n{last.Output}");
        }

        // Every shard was called once, and a shard labelled before the kill was not labelled again: its file is the one
        // written then (the store replaces a file on every write, so a second labelling would show a new ETag).
        var history = await PipelineHistory.ReadAsync(client.Client, runId);
        var shards = history.Attempts("TeacherLabeling");
        TestContext.Current.TestOutputHelper?.WriteLine($"killed with {labelledAtKill.Count} of {shards} shards labelled");
        Assert.True(shards > labelledAtKill.Count, $"the kill came after labelling ended ({labelledAtKill.Count} of {shards} shards)");
        foreach (var labelled in labelledAtKill)
            Assert.Equal(labelled.ETag, (await client.Store.GetInfoAsync(labelled.Name, ct))!.ETag);
        Assert.Equal(1, history.Attempts("RankFinetuning"));
        Assert.Equal(1, history.Attempts("Distillation"));

        await using var reference = await PipelineTestHost.StartAsync(clean.Path);
        await TinyWorld.WriteDropAsync(reference.Store, dropId, world);
        Assert.Equal(OrchestrationRuntimeStatus.Completed, (await reference.RunAsync(dropId, settings)).RuntimeStatus);
        for (var shard = 0; shard < shards; shard++)
            await AssertSameBytesAsync(reference.Store, client.Store, RunLayout.LabelShard(runId, shard));
        await AssertSameBytesAsync(reference.Store, client.Store, StudentWeights(runId));
    }

    private static string StudentWeights(string runId) => $"{RunLayout.Model(runId, RunLayout.Stages.Distillation)}/model.safetensors";

    private static async Task AssertSameBytesAsync(IArtifactStore expected, IArtifactStore actual, string name)
    {
        var ct = TestContext.Current.CancellationToken;
        Assert.Equal(await expected.ReadAllBytesAsync(name, cancellationToken: ct), await actual.ReadAllBytesAsync(name, cancellationToken: ct));
    }

    /// <summary>Runs a worker until <paramref name="activity"/>'s second checkpoint is stored, kills it, and returns that checkpoint's step.</summary>
    private static async Task<long> RunUntilKilledAsync(PipelineTestHost client, string dataRoot, string runId, string activity)
    {
        var stage = activity == "Distillation" ? RunLayout.Stages.Distillation : RunLayout.Stages.ContinuedPretraining;
        var checkpoints = new ArtifactCheckpointStore(client.Store, RunLayout.Checkpoints(runId, stage));
        using var worker = StartWorker(dataRoot);
        await worker.WaitUntilAsync(async () => (await checkpoints.ListStepsAsync(TestContext.Current.CancellationToken)).DefaultIfEmpty().Max() >= 40,
            $"two {activity} checkpoints", TimeSpan.FromMinutes(2));
        worker.Kill();
        var step = (await checkpoints.ListStepsAsync(TestContext.Current.CancellationToken)).Max();
        // Killed inside the stage: its model is not published yet.
        Assert.Null(await client.Store.OpenSetAsync(RunLayout.Model(runId, stage), TestContext.Current.CancellationToken));
        return step;
    }

    private static HostProcess StartWorker(string dataRoot) =>
        HostProcess.Start(dataRoot, "worker", "--queues", "default=2,gpu=1", "--lease", "00:00:05", "--data", dataRoot, "--Torch:Device=cpu", "--Torch:Threads=1");
}
