using System.Text.Json;
using RankDistill.Activities.Pipeline;
using RankDistill.Activities.Storage;
using RankDistill.Durable;
using RankDistill.Durable.Client;
using RankDistill.Workflows.Orchestrations;
using RankDistill.Workflows.Tests.Demo;

namespace RankDistill.Workflows.Tests.Pipeline;

/// <summary>
/// A real worker process (the host's <c>worker</c> command) killed with SIGKILL in the middle of ContinuedPretraining,
/// started again and killed in the middle of Distillation, then started a third time: the run completes, no completed
/// step runs again, each interrupted stage resumes from its last checkpoint, and the student and its metrics equal
/// those of a run that was never interrupted.
/// </summary>
public sealed class PipelineCrashTests
{
    private const string DropId = "crash";
    private static readonly JsonSerializerOptions _json = new(JsonSerializerDefaults.Web);

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

        var history = await PipelineHistory.ReadAsync(client.Client, runId);
        Assert.Equal(1, history.Dispatches("PrepareData"));
        Assert.Equal(2, history.Dispatches("ContinuedPretraining"));
        Assert.Equal(1, history.Attempts("ContinuedPretraining"));
        Assert.Equal(1, history.Dispatches("RankFinetuning"));
        Assert.Equal(history.Attempts("TeacherLabeling"), history.Dispatches("TeacherLabeling"));
        Assert.Equal(2, history.Dispatches("Distillation"));
        Assert.Equal(1, history.Attempts("Distillation"));
        Assert.Equal(1, history.Dispatches("Evaluation"));
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

        var student = $"{RunLayout.Model(runId, RunLayout.Stages.Distillation)}/model.safetensors";
        Assert.Equal(await reference.Store.ReadAllBytesAsync(student, cancellationToken: ct), await client.Store.ReadAllBytesAsync(student, cancellationToken: ct));
        var expected = uninterrupted.ReadOutputAs<PipelineOutput>()!.Metrics;
        var actual = (await client.Client.GetInstanceAsync(runId, ct))!.ReadOutputAs<PipelineOutput>()!.Metrics;
        Assert.Equal(expected.Teacher, actual.Teacher);
        Assert.Equal(expected.Student, actual.Student);
        Assert.Equal(expected.Bm25, actual.Bm25);
    }

    /// <summary>Runs a worker until <paramref name="activity"/>'s heartbeat names its second checkpoint, kills it, and returns that checkpoint's step.</summary>
    private static async Task<long> RunUntilKilledAsync(PipelineTestHost client, string dataRoot, string runId, string activity)
    {
        using var worker = StartWorker(dataRoot);
        var step = await WaitUntilAsync(() => LastCheckpointAsync(client.Client, runId, activity), s => s >= 40, worker, $"two {activity} checkpoints");
        worker.Kill();
        // Killed inside the stage: its model is not published yet.
        var stage = activity == "Distillation" ? RunLayout.Stages.Distillation : RunLayout.Stages.ContinuedPretraining;
        Assert.Null(await client.Store.OpenSetAsync(RunLayout.Model(runId, stage), TestContext.Current.CancellationToken));
        return step;
    }

    private static HostProcess StartWorker(string dataRoot) =>
        HostProcess.Start(dataRoot, "worker", "--queues", "default=2,gpu=1", "--lease", "00:00:03", "--data", dataRoot, "--Torch:Device=cpu");

    private static async Task<long> LastCheckpointAsync(DurableTaskClient client, string runId, string activity)
    {
        foreach (var work in await client.GetPendingWorkAsync(runId, TestContext.Current.CancellationToken))
        {
            if (work.Name == activity && work.HeartbeatDetails is { } details
                && JsonSerializer.Deserialize<StageProgress>(details, _json) is { LastCheckpointStep: { } step })
            {
                return step;
            }
        }
        return 0;
    }

    private static async Task<long> WaitUntilAsync(Func<Task<long>> probe, Func<long, bool> done, HostProcess process, string what)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        deadline.CancelAfter(TimeSpan.FromMinutes(2));
        while (true)
        {
            var value = await probe();
            if (done(value))
                return value;
            Assert.False(process.HasExited, $"the worker exited before {what}:\n{process.Output}");
            await Task.Delay(50, deadline.Token);
        }
    }
}
