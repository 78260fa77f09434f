using Microsoft.DurableTask.Client;
using RankDistill.Activities.Pipeline;
using RankDistill.Activities.Storage;
using RankDistill.Workflows.Orchestrations;
using RankDistill.Workflows.Tests.Demo;
using RankDistill.Workflows.Tests.Pipeline;

namespace RankDistill.Workflows.Tests.Cli;

/// <summary>
/// <c>worker</c> as a process: bad options stop it with the reason before it touches a task hub; <c>--watch</c> starts
/// the run of a drop that lands while it runs; SIGTERM while it trains hands the step back (it does not wait for the
/// step to end), and the next worker resumes it from its checkpoint long before the lease would have let it.
/// </summary>
public sealed class WorkerCommandTests
{
    [Theory]
    [InlineData("--lease", "00:00:04", "--lease 00:00:04 is not valid; expected 00:00:05 to 01:00:00")]
    [InlineData("--lease", "01:00:01", "--lease 01:00:01 is not valid; expected 00:00:05 to 01:00:00")]
    [InlineData("--queues", "cpu", "--queues 'cpu': 'cpu' is not queue or queue=concurrency (1-256) with queue default or gpu, e.g. default,gpu=1")]
    [InlineData("--queues", "default,gpu=0", "--queues 'default,gpu=0': 'gpu=0' is not queue or queue=concurrency (1-256) with queue default or gpu, e.g. default,gpu=1")]
    [InlineData("--queues", "gpu=257", "--queues 'gpu=257': 'gpu=257' is not queue or queue=concurrency (1-256) with queue default or gpu, e.g. default,gpu=1")]
    public async Task Worker_BadOption_Exit1WithTheReasonAndNoTaskHub(string option, string value, string reason)
    {
        using var data = new TemporaryFolder();

        var run = await HostProcess.RunAsync(data.Path, "worker", option, value, "--data", data.Path);

        Assert.True(run is { ExitCode: 1, StdOut: "" }, run.Output);
        Assert.Equal(reason, run.StdErr.TrimEnd());
        Assert.False(File.Exists(Path.Combine(data.Path, "taskhub.db")), "a refused worker must not create a task hub");
    }

    [Fact]
    public async Task WorkerWatch_DropLandsWhileItRuns_StartsItsPipeline()
    {
        using var data = new TemporaryFolder();
        // gpu only: the pipeline it starts is left Pending in the default hub, to be looked at.
        using var worker = HostProcess.Start(data.Path, "worker", "--watch", "--queues", "gpu=1", "--data", data.Path,
            "--Pipeline:Preset=Tiny", "--Pipeline:WatchInterval=00:00:00.200");
        await worker.WaitUntilAsync(() => Task.FromResult(worker.Output.Contains("; watching clicklogs/ for complete drops. Press Ctrl+C to stop.", StringComparison.Ordinal)),
            "the worker's start line", TimeSpan.FromMinutes(1));
        await using var hub = await PipelineTestHost.StartAsync(data.Path, worker: false);

        await TinyWorld.WriteDropAsync(hub.Store, "landed");

        OrchestrationMetadata? run = null;
        await worker.WaitUntilAsync(async () => (run = await hub.Client.GetInstanceAsync("pipeline-landed", getInputsAndOutputs: true, TestContext.Current.CancellationToken)) is not null,
            "pipeline-landed started by the worker's watcher", TimeSpan.FromMinutes(1));
        Assert.Equal((nameof(DistillationPipeline), OrchestrationRuntimeStatus.Pending), (run!.Name, run.RuntimeStatus));
        Assert.Equal(new PipelineInput("pipeline-landed", "landed", PipelineSettings.Tiny), run.ReadInputAs<PipelineInput>());
        await worker.WaitUntilAsync(() => Task.FromResult(worker.Output.Contains("Drop landed is complete: started pipeline pipeline-landed", StringComparison.Ordinal)),
            "the watcher's line", TimeSpan.FromMinutes(1));
    }

    [Fact]
    public async Task Worker_SigtermDuringTraining_HandsTheStepBackAndTheNextWorkerFinishesTheRun()
    {
        var ct = TestContext.Current.CancellationToken;
        using var data = new TemporaryFolder();
        const string dropId = "sigterm";
        var runId = DistillationPipeline.InstanceIdFor(dropId);
        // A CPT long enough to be stopped between its first checkpoint and its end.
        var settings = PipelineSettings.Tiny with { ContinuedPretraining = PipelineSettings.Tiny.ContinuedPretraining with { Steps = 400, CheckpointEvery = 20 } };
        await using var hub = await PipelineTestHost.StartAsync(data.Path, worker: false);
        await TinyWorld.WriteDropAsync(hub.Store, dropId);
        Assert.True((await PipelineSubmission.SubmitAsync(hub.Client, dropId, settings, ct)).Started);
        var checkpoints = new ArtifactCheckpointStore(hub.Store, RunLayout.Checkpoints(runId, RunLayout.Stages.ContinuedPretraining));

        long atStop;
        using (var first = StartWorker(data.Path))
        {
            await first.WaitUntilAsync(async () => (await checkpoints.ListStepsAsync(ct)).Count > 0, "a CPT checkpoint", TimeSpan.FromMinutes(2));
            first.Terminate();
            var exit = await first.WaitForExitAsync(TimeSpan.FromMinutes(2));
            Assert.True(exit == 0, $"exit {exit}:\n{first.Output}");
            atStop = (await checkpoints.ListStepsAsync(ct)).Max();
        }
        // It stopped without finishing CPT: the step was handed back, not run to its end.
        Assert.Null(await hub.Store.OpenSetAsync(RunLayout.Model(runId, RunLayout.Stages.ContinuedPretraining), ct));

        // The lease is 10 minutes: only a step handed back can be taken by the next worker within the wait below.
        using (var next = StartWorker(data.Path))
        {
            var done = await hub.WaitAsync(runId, TimeSpan.FromMinutes(4));
            Assert.True(done.RuntimeStatus == OrchestrationRuntimeStatus.Completed, $"{done.RuntimeStatus}: {done.FailureDetails}\n{next.Output}");
        }
        // Taken over, not failed and retried; resumed from the checkpoint it had when stopped, or a later one.
        Assert.Equal(1, (await PipelineHistory.ReadAsync(hub.Client, runId)).Attempts("ContinuedPretraining"));
        var cpt = (await WriteRunManifest.ReadAsync(hub.Store, runId, ct))!.Steps.Single(s => s.Stage == RunLayout.Stages.ContinuedPretraining);
        Assert.InRange(cpt.Metrics["resumed_from_step"], atStop, settings.ContinuedPretraining.Steps - 1);
    }

    private static HostProcess StartWorker(string dataRoot) =>
        HostProcess.Start(dataRoot, "worker", "--queues", "default=2,gpu=1", "--lease", "00:10:00", "--data", dataRoot,
            "--Torch:Device=cpu", "--Torch:Threads=1", "--TaskHub:MaxPollInterval=00:00:00.200");
}
