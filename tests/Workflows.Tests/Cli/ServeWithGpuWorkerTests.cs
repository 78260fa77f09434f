using DurableTask.Core.History;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using RankDistill.Activities.Pipeline;
using RankDistill.Activities.Storage;
using RankDistill.TaskHub;
using RankDistill.TaskHub.Gpu;
using RankDistill.Workflows.Tests.Demo;
using RankDistill.Workflows.Tests.Pipeline;

namespace RankDistill.Workflows.Tests.Cli;

/// <summary>
/// The deployment's split as two processes on one data folder: <c>serve</c> (watcher, dashboard, default-queue worker)
/// and <c>worker --queues gpu</c>. A drop's run completes, and every step registered for the gpu queue was answered
/// from the gpu hub, where only the GPU worker runs work; the training logs are in the worker's output, none in serve's.
/// </summary>
public sealed class ServeWithGpuWorkerTests
{
    [Fact]
    public async Task ServeAndGpuWorker_DropInTheStore_RunCompletesWithEveryGpuStepOnTheWorker()
    {
        var ct = TestContext.Current.CancellationToken;
        using var data = new TemporaryFolder();
        const string dropId = "split";
        var runId = $"pipeline-{dropId}";
        await TinyWorld.WriteDropAsync(new LocalArtifactStore(Path.Combine(data.Path, "store")), dropId);
        string[] common = ["--data", data.Path, "--Pipeline:Preset=Tiny", "--Torch:Device=cpu", "--Torch:Threads=1", "--TaskHub:MaxPollInterval=00:00:00.200"];

        // Port 0: the dashboard binds a free port itself, so no other test can take it first.
        using var serve = HostProcess.Start(data.Path, ["serve", "--queues", "default=2", "--urls", "http://127.0.0.1:0", .. common]);
        using var gpu = HostProcess.Start(data.Path, ["worker", "--queues", "gpu=1", .. common]);
        await using var hub = await PipelineTestHost.StartAsync(data.Path, worker: false);
        await serve.WaitUntilAsync(async () => await hub.Client.GetInstanceAsync(runId, ct) is not null, $"{runId} started by serve's watcher", TimeSpan.FromMinutes(2));
        var done = await hub.WaitAsync(runId, TimeSpan.FromMinutes(4));

        Assert.True(done.RuntimeStatus == OrchestrationRuntimeStatus.Completed,
            $"{done.RuntimeStatus}: {done.FailureDetails}\n--- serve ---\n{serve.Output}\n--- worker ---\n{gpu.Output}");
        // What the runtime recorded: each call of a gpu-queue activity, in the run and its labelling child, has its
        // completed GpuStep in the gpu hub, which serve does not serve.
        var routing = hub.Services.GetRequiredService<TaskRouting>();
        var gpuCalls = (await PipelineHistory.ReadAsync(hub.Client, runId)).Instances
            .SelectMany(h => h.OfType<TaskScheduledEvent>()).Where(e => routing.QueueOf(e.Name!) == TaskQueues.Gpu)
            .Select(e => e.Name!).Order(StringComparer.Ordinal).ToList();
        var gpuSteps = await hub.GpuClient.GetAllInstancesAsync(new OrchestrationQuery { InstanceIdPrefix = runId, FetchInputsAndOutputs = true }).ToListAsync(ct);
        Assert.All(gpuSteps, s => Assert.Equal(OrchestrationRuntimeStatus.Completed, s.RuntimeStatus));
        Assert.Equal(gpuCalls, gpuSteps.Select(s => s.ReadInputAs<GpuStepInput>()!.Activity).Order(StringComparer.Ordinal));
        Assert.Contains(nameof(ContinuedPretraining), gpuCalls);
        Assert.Contains(nameof(TeacherLabeling), gpuCalls);
        // The activities log each training stage they start (event 5003) and each shard they label (5005): all in the
        // worker; serve logs its own steps (PrepareData's 5002), so a training line would show there if one ran there.
        foreach (var stage in new[] { RunLayout.Stages.ContinuedPretraining, RunLayout.Stages.RankFinetuning, RunLayout.Stages.Distillation })
        {
            Assert.Contains($"{stage} of run {runId}:", gpu.Output, StringComparison.Ordinal);
            Assert.DoesNotContain($"{stage} of run {runId}:", serve.Output, StringComparison.Ordinal);
        }
        Assert.Contains($"TeacherLabeling of run {runId}: shard 0 scored", gpu.Output, StringComparison.Ordinal);
        Assert.DoesNotContain($"TeacherLabeling of run {runId}: shard", serve.Output, StringComparison.Ordinal);
        Assert.Contains($"PrepareData of run {runId}:", serve.Output, StringComparison.Ordinal);
    }
}
