using DurableTask.Core.History;
using Microsoft.DurableTask.Client;
using RankDistill.TaskHub.Tests.Support;
using RankDistill.Testing;

namespace RankDistill.TaskHub.Tests.Client;

/// <summary>What the product's <see cref="DurableTaskClient"/> does to a running instance: terminate (recursively), suspend, resume.</summary>
public abstract class ClientControlTests(HostedTaskHub hub) : IAsyncLifetime
{
    public async ValueTask InitializeAsync() => await hub.StartWorkerAsync("cpu", HostedTaskHub.DefaultQueue);

    public async ValueTask DisposeAsync()
    {
        await hub.DisposeAsync();
        GC.SuppressFinalize(this);
    }

    [Fact]
    public async Task Terminate_RunningInstance_EndsTerminatedWithTheOutputGiven()
    {
        var id = await hub.ScheduleAsync(nameof(AwaitApproval), "order 1");
        await hub.WaitAsync(id, IsWaiting);

        await hub.Client.TerminateInstanceAsync(id, new TerminateInstanceOptions(Output: "no longer needed"), TestContext.Current.CancellationToken);

        var state = await hub.WaitAsync(id);
        Assert.Equal(OrchestrationRuntimeStatus.Terminated, state.RuntimeStatus);
        Assert.Equal("no longer needed", state.ReadOutputAs<string>());
        var terminated = (await hub.Client.GetOrchestrationHistoryAsync(id, TestContext.Current.CancellationToken)).OfType<ExecutionTerminatedEvent>().Single();
        Assert.Equal("\"no longer needed\"", terminated.Input);
    }

    [Fact]
    public async Task Terminate_Recursive_TerminatesTheRunningSubOrchestrationToo()
    {
        var recursive = await hub.ScheduleAsync(nameof(ApprovalParent), "recursive");
        var shallow = await hub.ScheduleAsync(nameof(ApprovalParent), "shallow");
        await hub.WaitAsync(ApprovalParent.ChildId(recursive), IsWaiting);
        await hub.WaitAsync(ApprovalParent.ChildId(shallow), IsWaiting);

        await hub.Client.TerminateInstanceAsync(recursive, new TerminateInstanceOptions(Output: "stop all", Recursive: true), TestContext.Current.CancellationToken);
        await hub.Client.TerminateInstanceAsync(shallow, new TerminateInstanceOptions(Output: "stop the parent", Recursive: false), TestContext.Current.CancellationToken);

        Assert.Equal(OrchestrationRuntimeStatus.Terminated, (await hub.WaitAsync(recursive)).RuntimeStatus);
        var child = await hub.WaitAsync(ApprovalParent.ChildId(recursive));
        Assert.Equal(OrchestrationRuntimeStatus.Terminated, child.RuntimeStatus);
        Assert.Equal("stop all", child.ReadOutputAs<string>());
        Assert.Equal(OrchestrationRuntimeStatus.Terminated, (await hub.WaitAsync(shallow)).RuntimeStatus);
        // Not recursive: the child still waits for its event, and still gets it.
        await hub.Client.RaiseEventAsync(ApprovalParent.ChildId(shallow), AwaitApproval.Event, "carol", TestContext.Current.CancellationToken);
        Assert.Equal("shallow approved by carol", (await hub.CompletedAsync(ApprovalParent.ChildId(shallow))).ReadOutputAs<string>());
    }

    [Fact]
    public async Task SuspendResume_EventWaitsForTheResume()
    {
        var id = await hub.ScheduleAsync(nameof(AwaitApproval), "order 2");
        await hub.WaitAsync(id, IsWaiting);

        await hub.Client.SuspendInstanceAsync(id, "hold on", TestContext.Current.CancellationToken);
        await hub.WaitAsync(id, s => s.RuntimeStatus == OrchestrationRuntimeStatus.Suspended);
        await hub.Client.RaiseEventAsync(id, AwaitApproval.Event, "bob", TestContext.Current.CancellationToken);
        // The event reaches the suspended instance's history but does not run it.
        await Eventually.TrueAsync(
            async () => (await hub.Client.GetOrchestrationHistoryAsync(id, TestContext.Current.CancellationToken)).OfType<EventRaisedEvent>().Any(),
            hub.Patience, () => $"the event in {id}'s history");
        Assert.Equal(OrchestrationRuntimeStatus.Suspended, (await hub.Client.GetInstancesAsync(id, TestContext.Current.CancellationToken))?.RuntimeStatus);
        await hub.Client.ResumeInstanceAsync(id, "go on", TestContext.Current.CancellationToken);

        var state = await hub.CompletedAsync(id);
        Assert.Equal("order 2 approved by bob", state.ReadOutputAs<string>());
        var history = await hub.Client.GetOrchestrationHistoryAsync(id, TestContext.Current.CancellationToken);
        var (suspended, raised, resumed) = (history.OfType<ExecutionSuspendedEvent>().Single(), history.OfType<EventRaisedEvent>().Single(), history.OfType<ExecutionResumedEvent>().Single());
        Assert.Equal(("hold on", "go on"), (suspended.Reason, resumed.Reason));
        Assert.True(history.IndexOf(suspended) < history.IndexOf(raised) && history.IndexOf(raised) < history.IndexOf(resumed),
            string.Join(", ", history.Select(e => e.EventType)));
    }

    private static bool IsWaiting(OrchestrationMetadata state) => state.SerializedCustomStatus == "\"waiting\"";
}

public sealed class SqliteClientControlTests() : ClientControlTests(new SqliteHostedTaskHub());

public sealed class AzureStorageClientControlTests(AzuriteFixture azurite) : ClientControlTests(new AzureStorageHostedTaskHub(azurite));
