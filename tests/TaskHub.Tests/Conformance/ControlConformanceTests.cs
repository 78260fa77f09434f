using DurableTask.Core;
using DurableTask.Core.Exceptions;
using DurableTask.Core.History;
using DurableTask.Core.Serializing;
using RankDistill.TaskHub.Tests.Support;
using RankDistill.Testing;

namespace RankDistill.TaskHub.Tests.Conformance;

/// <summary>What a client does to instances: terminate, suspend and resume, rewind, create with dedupe statuses.</summary>
public abstract class ControlConformanceTests(HubUnderTest hub) : IAsyncLifetime
{
    public async ValueTask InitializeAsync() => await hub.StartWorkerAsync();

    public async ValueTask DisposeAsync()
    {
        await hub.DisposeAsync();
        GC.SuppressFinalize(this);
    }

    [Fact]
    public async Task Terminate_RunningInstance_EndsTerminatedWithTheReason()
    {
        var instance = await hub.StartAsync(typeof(Approval), "order 1");
        await hub.WaitAsync(instance.InstanceId, s => s.Status == "\"waiting\"");

        await hub.TaskHubClient.TerminateInstanceAsync(instance, "no longer needed");

        var state = await hub.WaitAsync(instance.InstanceId);
        Assert.Equal(OrchestrationStatus.Terminated, state.OrchestrationStatus);
        Assert.Contains("no longer needed", state.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SuspendResume_EventWaitsForTheResume()
    {
        var instance = await hub.StartAsync(typeof(Approval), "order 2");
        await hub.WaitAsync(instance.InstanceId, s => s.Status == "\"waiting\"");

        await hub.TaskHubClient.SuspendInstanceAsync(instance, "hold on");
        await hub.WaitAsync(instance.InstanceId, s => s.OrchestrationStatus == OrchestrationStatus.Suspended);
        await hub.TaskHubClient.RaiseEventAsync(instance, "approve", "bob");
        await hub.TaskHubClient.ResumeInstanceAsync(instance, "go on");

        var state = await hub.CompletedAsync(instance.InstanceId);
        Assert.Equal("order 2 approved by bob", Read<string>(state.Output));
        var history = await hub.HistoryAsync(instance.InstanceId);
        Assert.Single(history.OfType<ExecutionSuspendedEvent>());
        Assert.Single(history.OfType<ExecutionResumedEvent>());
    }

    [Fact]
    public async Task Rewind_FailedActivity_RunsOnlyTheFailedTaskAgain()
    {
        var key = ExecutionLog.NewKey();
        var instance = await hub.StartAsync(typeof(Flaky), key);
        var failed = await hub.WaitAsync(instance.InstanceId);
        Assert.Equal(OrchestrationStatus.Failed, failed.OrchestrationStatus);

        await hub.RewindAsync(instance.InstanceId, "fixed it");

        var state = await hub.CompletedAsync(instance.InstanceId);
        Assert.Equal($"w1 ok {key}", Read<string>(state.Output));
        Assert.Single(ExecutionLog.Entries($"{key}-hello"));
        Assert.Equal(2, ExecutionLog.Entries(key).Count);
        Assert.Empty((await hub.HistoryAsync(instance.InstanceId)).OfType<TaskFailedEvent>());
    }

    [Fact]
    public async Task Rewind_FailedSubOrchestration_RewindsTheChildAndCompletesBoth()
    {
        var key = ExecutionLog.NewKey();
        var instance = await hub.StartAsync(typeof(FlakyParent), key);
        Assert.Equal(OrchestrationStatus.Failed, (await hub.WaitAsync(instance.InstanceId)).OrchestrationStatus);
        Assert.Equal(OrchestrationStatus.Failed, (await hub.WaitAsync($"{instance.InstanceId}-child")).OrchestrationStatus);

        await hub.RewindAsync(instance.InstanceId, "fixed it");

        var state = await hub.CompletedAsync(instance.InstanceId);
        Assert.Equal($"parent of w1 ok {key}", Read<string>(state.Output));
        await hub.CompletedAsync($"{instance.InstanceId}-child");
        Assert.Single(ExecutionLog.Entries($"{key}-hello"));
        Assert.Equal(2, ExecutionLog.Entries(key).Count);
    }

    [Fact]
    public async Task Create_WithDedupeStatuses_RefusesAnActiveDuplicate()
    {
        var active = new[] { OrchestrationStatus.Pending, OrchestrationStatus.Running, OrchestrationStatus.Suspended };
        var instance = await hub.StartAsync(typeof(Approval), "first", dedupeStatuses: active);
        await hub.WaitAsync(instance.InstanceId, s => s.Status == "\"waiting\"");

        await Assert.ThrowsAsync<OrchestrationAlreadyExistsException>(() => hub.StartAsync(typeof(Approval), "second", instance.InstanceId, active));

        var state = await hub.GetStateAsync(instance.InstanceId);
        Assert.Equal(instance.ExecutionId, state?.OrchestrationInstance.ExecutionId);
        Assert.Equal("first", Read<string>(state?.Input));
    }

    [Fact]
    public async Task Create_WithDedupeStatuses_ReplacesAFailedInstance()
    {
        var active = new[] { OrchestrationStatus.Pending, OrchestrationStatus.Running, OrchestrationStatus.Suspended };
        var failed = await hub.StartAsync(typeof(AlwaysFails), "doomed", dedupeStatuses: active);
        Assert.Equal(OrchestrationStatus.Failed, (await hub.WaitAsync(failed.InstanceId)).OrchestrationStatus);

        var replacement = await hub.StartAsync(typeof(Greeting), "again", failed.InstanceId, active);

        var state = await hub.CompletedAsync(failed.InstanceId);
        Assert.Equal(replacement.ExecutionId, state.OrchestrationInstance.ExecutionId);
        Assert.Equal("Hello, again!", Read<string>(state.Output));
        var history = await hub.HistoryAsync(failed.InstanceId);
        Assert.Equal(NameVersionHelper.GetDefaultName(typeof(Greeting)), history.OfType<ExecutionStartedEvent>().Single().Name);
    }

    private static T Read<T>(string? json) => JsonDataConverter.Default.Deserialize<T>(json!);
}

public sealed class SqliteControlTests() : ControlConformanceTests(new SqliteHub());

public sealed class AzureStorageControlTests(AzuriteFixture azurite) : ControlConformanceTests(new AzureStorageHub(azurite));
