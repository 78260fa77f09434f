using DurableTask.Core.Exceptions;
using DurableTask.Core.History;
using Microsoft.DurableTask.Client;
using RankDistill.TaskHub.Tests.Support;
using RankDistill.Testing;

namespace RankDistill.TaskHub.Tests.Client;

/// <summary>
/// One instance through the product's <see cref="DurableTaskClient"/> (from a host's dependency injection), run by a
/// worker host built with AddTaskHub ... AddWorkers: schedule, get, wait, raise an event, history.
/// </summary>
public abstract class ClientInstanceTests(HostedTaskHub hub) : IAsyncLifetime
{
    public async ValueTask InitializeAsync() => await hub.StartWorkerAsync("cpu", HostedTaskHub.DefaultQueue);

    public async ValueTask DisposeAsync()
    {
        await hub.DisposeAsync();
        GC.SuppressFinalize(this);
    }

    [Fact]
    public async Task Schedule_SameIdAgain_RefusedWhateverTheFirstBecame()
    {
        var pending = await hub.ScheduleAsync(nameof(Welcome), "pending", startAt: DateTimeOffset.UtcNow.AddHours(1));
        var running = await hub.ScheduleAsync(nameof(AwaitApproval), "running");
        var suspended = await hub.ScheduleAsync(nameof(AwaitApproval), "suspended");
        var completed = await hub.ScheduleAsync(nameof(Welcome), "completed");
        var failed = await hub.ScheduleAsync(nameof(Throws), "failed");
        var terminated = await hub.ScheduleAsync(nameof(AwaitApproval), "terminated");
        await hub.WaitAsync(running, IsWaiting);
        await hub.WaitAsync(suspended, IsWaiting);
        await hub.Client.SuspendInstanceAsync(suspended, "hold", TestContext.Current.CancellationToken);
        await hub.WaitAsync(terminated, IsWaiting);
        await hub.Client.TerminateInstanceAsync(terminated, "stop", TestContext.Current.CancellationToken);
        var expected = new Dictionary<string, OrchestrationRuntimeStatus>
        {
            [pending] = OrchestrationRuntimeStatus.Pending,
            [running] = OrchestrationRuntimeStatus.Running,
            [suspended] = OrchestrationRuntimeStatus.Suspended,
            [completed] = OrchestrationRuntimeStatus.Completed,
            [failed] = OrchestrationRuntimeStatus.Failed,
            [terminated] = OrchestrationRuntimeStatus.Terminated,
        };
        foreach (var (id, status) in expected)
            await hub.WaitAsync(id, s => s.RuntimeStatus == status);

        foreach (var (id, status) in expected)
        {
            await Assert.ThrowsAsync<OrchestrationAlreadyExistsException>(() => hub.ScheduleAsync(nameof(Welcome), "again", id));
            var state = await hub.Client.GetInstancesAsync(id, getInputsAndOutputs: true, TestContext.Current.CancellationToken);
            Assert.Equal(status, state?.RuntimeStatus);
            Assert.NotEqual("again", state?.ReadInputAs<string>());
        }
    }

    [Fact]
    public async Task Get_WithAndWithoutInputsAndOutputs()
    {
        var id = await hub.ScheduleAsync(nameof(Welcome), "ada");
        await hub.CompletedAsync(id);

        var bare = await hub.Client.GetInstancesAsync(id, getInputsAndOutputs: false, TestContext.Current.CancellationToken);
        var full = await hub.Client.GetInstancesAsync(id, getInputsAndOutputs: true, TestContext.Current.CancellationToken);

        Assert.NotNull(bare);
        Assert.Equal((id, nameof(Welcome), OrchestrationRuntimeStatus.Completed), (bare.InstanceId, bare.Name, bare.RuntimeStatus));
        Assert.Null(bare.SerializedInput);
        Assert.Null(bare.SerializedOutput);
        Assert.NotNull(full);
        Assert.Equal("ada", full.ReadInputAs<string>());
        Assert.Equal("HELLO, ADA!", full.ReadOutputAs<string>());
        Assert.True(full.LastUpdatedAt >= full.CreatedAt, $"created {full.CreatedAt:O}, updated {full.LastUpdatedAt:O}");
        Assert.Null(full.FailureDetails);
        Assert.Null(await hub.Client.GetInstancesAsync(HostedTaskHub.NewId("nobody"), TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task WaitForStart_ThenRaiseEvent_WaitForCompletion_HasTheEventsData()
    {
        using var deadline = hub.Deadline();
        var id = await hub.ScheduleAsync(nameof(AwaitApproval), "order 7");

        var started = await hub.Client.WaitForInstanceStartAsync(id, getInputsAndOutputs: true, deadline.Token);
        await hub.WaitAsync(id, IsWaiting);
        await hub.Client.RaiseEventAsync(id, AwaitApproval.Event, "alice", deadline.Token);
        var done = await hub.Client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, deadline.Token);

        // It waits for the event, so it cannot have finished when it started.
        Assert.Equal(OrchestrationRuntimeStatus.Running, started.RuntimeStatus);
        Assert.Equal("order 7", started.ReadInputAs<string>());
        Assert.Equal(OrchestrationRuntimeStatus.Completed, done.RuntimeStatus);
        Assert.Equal("order 7 approved by alice", done.ReadOutputAs<string>());
        Assert.Equal("approved", done.ReadCustomStatusAs<string>());
    }

    [Fact]
    public async Task History_TypedEventsInTheOrderTheyHappened()
    {
        var id = await hub.ScheduleAsync(nameof(Welcome), "history");
        await hub.CompletedAsync(id);

        var history = await hub.Client.GetOrchestrationHistoryAsync(id, TestContext.Current.CancellationToken);

        // Each step of the orchestration is framed by OrchestratorStarted/Completed; the rest is what it did.
        Assert.IsType<OrchestratorStartedEvent>(history[0]);
        var done = history.Where(e => e is not OrchestratorStartedEvent and not OrchestratorCompletedEvent).ToList();
        Assert.Equal(
            [typeof(ExecutionStartedEvent), typeof(TaskScheduledEvent), typeof(TaskCompletedEvent), typeof(TaskScheduledEvent), typeof(TaskCompletedEvent), typeof(ExecutionCompletedEvent)],
            done.Select(e => e.GetType()));
        var started = (ExecutionStartedEvent)done[0];
        Assert.Equal((nameof(Welcome), id, "\"history\""), (started.Name, started.OrchestrationInstance.InstanceId, started.Input));
        var (salute, saluted, shout, shouted) = ((TaskScheduledEvent)done[1], (TaskCompletedEvent)done[2], (TaskScheduledEvent)done[3], (TaskCompletedEvent)done[4]);
        Assert.Equal((nameof(Salute), nameof(Shout)), (salute.Name, shout.Name));
        Assert.Equal((salute.EventId, shout.EventId), (saluted.TaskScheduledId, shouted.TaskScheduledId));
        Assert.Equal(("\"Hello, history!\"", "\"HELLO, HISTORY!\""), (saluted.Result, shouted.Result));
        var completed = (ExecutionCompletedEvent)done[5];
        Assert.Equal(global::DurableTask.Core.OrchestrationStatus.Completed, completed.OrchestrationStatus);
        Assert.Equal("\"HELLO, HISTORY!\"", completed.Result);
        // A message's event is stamped when it was sent (a result before the step that reads it): in order of cause.
        Assert.True(done.Zip(done.Skip(1)).All(p => p.First.Timestamp <= p.Second.Timestamp), string.Join(", ", done.Select(e => $"{e.EventType} {e.Timestamp:O}")));
        await Assert.ThrowsAsync<ArgumentException>(() => hub.Client.GetOrchestrationHistoryAsync(HostedTaskHub.NewId("nobody"), TestContext.Current.CancellationToken));
    }

    private static bool IsWaiting(OrchestrationMetadata state) => state.SerializedCustomStatus == "\"waiting\"";
}

public sealed class SqliteClientInstanceTests() : ClientInstanceTests(new SqliteHostedTaskHub());

public sealed class AzureStorageClientInstanceTests(AzuriteFixture azurite) : ClientInstanceTests(new AzureStorageHostedTaskHub(azurite));
