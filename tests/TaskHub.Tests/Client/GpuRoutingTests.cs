using DurableTask.Core.History;
using Microsoft.DurableTask.Client;
using RankDistill.TaskHub.Gpu;
using RankDistill.TaskHub.Tests.Support;
using RankDistill.Testing;

namespace RankDistill.TaskHub.Tests.Client;

/// <summary>
/// GPU steps: an activity registered on the gpu queue, called from an orchestration on the default queue, runs only in
/// a host that serves the gpu queue (as a <see cref="GpuStep"/> orchestration in the gpu hub); without one it waits.
/// Each test starts its own hosts: "cpu" serves only the default queue, "gpu" only the gpu queue.
/// </summary>
public abstract class GpuRoutingTests(HostedTaskHub hub) : IAsyncLifetime
{
    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        await hub.DisposeAsync();
        GC.SuppressFinalize(this);
    }

    [Fact]
    public async Task GpuActivity_RunsOnTheGpuHost_CpuActivityOnTheCpuHost()
    {
        await hub.StartWorkerAsync("cpu", HostedTaskHub.DefaultQueue);
        await hub.StartWorkerAsync("gpu", HostedTaskHub.GpuQueue);

        var id = await hub.ScheduleAsync(nameof(CpuThenGpu), "route");

        Assert.Equal(["cpu", "gpu"], (await hub.CompletedAsync(id)).ReadOutputAs<string[]>() ?? []);
        var step = Assert.Single(await GpuStepsOfAsync(id));
        Assert.Equal((GpuStep.Name, OrchestrationRuntimeStatus.Completed), (step.Name, step.RuntimeStatus));
        // The caller's history shows the GPU step as the activity it called.
        var history = await hub.Client.GetOrchestrationHistoryAsync(id, TestContext.Current.CancellationToken);
        Assert.Equal([nameof(WhereAmI), nameof(GpuWhereAmI)], history.OfType<TaskScheduledEvent>().Select(e => e.Name));
    }

    [Fact]
    public async Task GpuActivity_NoGpuWorker_WaitsPending_CompletesOnceOneStarts()
    {
        await hub.StartWorkerAsync("cpu", HostedTaskHub.DefaultQueue);
        var id = await hub.ScheduleAsync(nameof(CpuThenGpu), "wait");

        var step = await Eventually.WaitAsync(async () => (await GpuStepsOfAsync(id)).SingleOrDefault(), hub.Patience, () => $"the GPU step of {id}");

        Assert.Equal(OrchestrationRuntimeStatus.Pending, step.RuntimeStatus);
        Assert.Equal(OrchestrationRuntimeStatus.Running, (await hub.Client.GetInstancesAsync(id, TestContext.Current.CancellationToken))?.RuntimeStatus);
        var waiting = await hub.Client.GetOrchestrationHistoryAsync(id, TestContext.Current.CancellationToken);
        Assert.Empty(waiting.OfType<TaskFailedEvent>());
        Assert.Equal(nameof(GpuWhereAmI), waiting.OfType<TaskScheduledEvent>().Last().Name);

        await hub.StartWorkerAsync("gpu", HostedTaskHub.GpuQueue);

        Assert.Equal(["cpu", "gpu"], (await hub.CompletedAsync(id)).ReadOutputAs<string[]>() ?? []);
        Assert.Equal(OrchestrationRuntimeStatus.Completed, (await hub.GpuClient.GetInstancesAsync(step.InstanceId, TestContext.Current.CancellationToken))?.RuntimeStatus);
    }

    [Fact]
    public async Task GpuActivity_Fails_TheCallerSeesItsOwnErrorType()
    {
        await hub.StartWorkerAsync("cpu", HostedTaskHub.DefaultQueue);
        await hub.StartWorkerAsync("gpu", HostedTaskHub.GpuQueue);

        var id = await hub.ScheduleAsync(nameof(GpuFailureSeen), "bad batch");

        Assert.Equal($"{typeof(InvalidDataException).FullName} True", (await hub.CompletedAsync(id)).ReadOutputAs<string>());
        var failed = (await hub.Client.GetOrchestrationHistoryAsync(id, TestContext.Current.CancellationToken)).OfType<TaskFailedEvent>().Single();
        Assert.Contains("bad batch is not valid input for the GPU", failed.FailureDetails?.ErrorMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rewind_AfterItsGpuStepCompleted_DoesNotRunTheStepAgain()
    {
        await hub.StartWorkerAsync("cpu", HostedTaskHub.DefaultQueue);
        await hub.StartWorkerAsync("gpu", HostedTaskHub.GpuQueue);
        var key = ExecutionLog.NewKey();
        var id = await hub.ScheduleAsync(nameof(GpuThenFinish), key);
        Assert.Equal(OrchestrationRuntimeStatus.Failed, (await hub.WaitAsync(id)).RuntimeStatus);
        Finish.Repair(key);

        await hub.Client.RewindInstanceAsync(id, "repaired", TestContext.Current.CancellationToken);

        Assert.Equal("trained on gpu finished", (await hub.CompletedAsync(id)).ReadOutputAs<string>());
        // The rerun's call of the step has the same id, so it finds that step's completed GpuStep and takes its output.
        Assert.Equal(["run@gpu"], ExecutionLog.Entries($"{key}-train"));
        Assert.Equal(OrchestrationRuntimeStatus.Completed, Assert.Single(await GpuStepsOfAsync(id)).RuntimeStatus);
    }

    [Fact]
    public async Task Rewind_TheTaskIdOfItsGpuCallNowHoldsAnotherCall_RunsThatCallNotTheOldStep()
    {
        await hub.StartWorkerAsync("cpu", HostedTaskHub.DefaultQueue);
        await hub.StartWorkerAsync("gpu", HostedTaskHub.GpuQueue);
        var key = ExecutionLog.NewKey();
        var id = await hub.ScheduleAsync(nameof(GpuCallShiftsAfterRepair), key);
        Assert.Equal(OrchestrationRuntimeStatus.Failed, (await hub.WaitAsync(id)).RuntimeStatus);
        Finish.Repair(key);

        await hub.Client.RewindInstanceAsync(id, "repaired", TestContext.Current.CancellationToken);

        Assert.Equal("trained on gpu", (await hub.CompletedAsync(id)).ReadOutputAs<string>());
        // The same task id carries "KEY-after" now: the step that trained "KEY-before" is not its answer.
        Assert.Equal(["run@gpu"], ExecutionLog.Entries($"{key}-before-train"));
        Assert.Equal(["run@gpu"], ExecutionLog.Entries($"{key}-after-train"));
    }

    /// <summary>The gpu hub's GpuStep instances of one caller (their ids are CALLER@TASKID).</summary>
    private async Task<List<OrchestrationMetadata>> GpuStepsOfAsync(string callerId) =>
        await hub.GpuClient.GetAllInstancesAsync(new(InstanceIdPrefix: $"{callerId}@")).ToListAsync(TestContext.Current.CancellationToken);
}

public sealed class SqliteGpuRoutingTests() : GpuRoutingTests(new SqliteHostedTaskHub());

public sealed class AzureStorageGpuRoutingTests(AzuriteFixture azurite) : GpuRoutingTests(new AzureStorageHostedTaskHub(azurite));
