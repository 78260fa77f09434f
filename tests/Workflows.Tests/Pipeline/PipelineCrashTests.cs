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
/// then started again: the run completes, no completed step runs again, the interrupted stage resumes from its last
/// checkpoint, and the student and its metrics equal those of a run that was never interrupted.
/// </summary>
public sealed class PipelineCrashTests
{
    private const string DropId = "crash";
    private static readonly JsonSerializerOptions _json = new(JsonSerializerDefaults.Web);

    // Long enough a CPT to kill it after its first checkpoints and well before its end.
    private static readonly PipelineSettings _settings = PipelineSettings.Tiny with
    {
        ContinuedPretraining = PipelineSettings.Tiny.ContinuedPretraining with { Steps = 400, CheckpointEvery = 20 },
    };

    [Fact]
    public async Task Worker_KilledDuringContinuedPretraining_ResumesFromCheckpointAndMatchesUninterruptedRun()
    {
        var ct = TestContext.Current.CancellationToken;
        using var crashed = new TemporaryFolder();
        using var clean = new TemporaryFolder();
        var runId = DistillationPipeline.InstanceIdFor(DropId);

        // Submitted by a client-only host; run by worker processes on the same data folder.
        await using var client = await PipelineTestHost.StartAsync(crashed.Path, worker: false);
        await TinyWorld.WriteDropAsync(client.Store, DropId);
        Assert.True((await PipelineSubmission.SubmitAsync(client.Client, DropId, _settings, ct)).Started);

        long checkpointAtKill;
        using (var first = StartWorker(crashed.Path))
        {
            // The running CPT's heartbeat names its newest saved checkpoint: kill once there are two.
            checkpointAtKill = await WaitUntilAsync(() => LastCheckpointAsync(client.Client, runId), step => step >= 40, first, "two CPT checkpoints");
            first.Kill();
        }
        // Killed during CPT: its model is not published yet.
        Assert.Null(await client.Store.OpenSetAsync(RunLayout.Model(runId, RunLayout.Stages.ContinuedPretraining), ct));

        using (var second = StartWorker(crashed.Path))
        {
            var instance = await client.WaitAsync(runId, TimeSpan.FromMinutes(3));
            Assert.True(instance.RuntimeStatus == OrchestrationRuntimeStatus.Completed, $"{instance.RuntimeStatus}: {instance.FailureDetails}\n{second.Output}");
        }

        var history = await PipelineHistory.ReadAsync(client.Client, runId);
        Assert.Equal(1, history.Dispatches("PrepareData"));
        Assert.Equal(2, history.Dispatches("ContinuedPretraining"));
        Assert.Equal(1, history.Attempts("ContinuedPretraining"));
        Assert.Equal(1, history.Dispatches("RankFinetuning"));
        Assert.Equal(1, history.Dispatches("Distillation"));
        var manifest = (await WriteRunManifest.ReadAsync(client.Store, runId, ct))!;
        var cpt = manifest.Steps.Single(s => s.Stage == RunLayout.Stages.ContinuedPretraining);
        // Lost work is at most one checkpoint interval: it resumed from the checkpoint saved before the kill, or a later one.
        Assert.InRange(cpt.Metrics["resumed_from_step"], checkpointAtKill, _settings.ContinuedPretraining.Steps - 1);
        Assert.Equal(_settings.ContinuedPretraining.Steps, cpt.Metrics["steps"]);

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

    private static HostProcess StartWorker(string dataRoot) =>
        HostProcess.Start(dataRoot, "worker", "--queues", "default=2,gpu=1", "--lease", "00:00:03", "--data", dataRoot, "--Torch:Device=cpu");

    private static async Task<long> LastCheckpointAsync(DurableTaskClient client, string runId)
    {
        foreach (var work in await client.GetPendingWorkAsync(runId, TestContext.Current.CancellationToken))
        {
            if (work.Name == "ContinuedPretraining" && work.HeartbeatDetails is { } details
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
