using DurableTask.Core;
using DurableTask.Core.Common;
using DurableTask.Core.History;
using Microsoft.Extensions.Time.Testing;
using RankDistill.TaskHub.Sqlite;
using RankDistill.TaskHub.Tests.Support;

namespace RankDistill.TaskHub.Tests.Sqlite;

/// <summary>
/// The SQLite provider's work items driven by hand, as the dispatchers would, on a fake clock: what a completion
/// deletes, what a lost lock prevents, what the poison limit does.
/// </summary>
public sealed class SqliteWorkItemTests : IAsyncLifetime
{
    private static readonly TimeSpan _lock = TimeSpan.FromSeconds(30);
    private readonly SqliteHub _hub = new();
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);
    private readonly List<SqliteOrchestrationService> _services = [];

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        foreach (var service in _services)
            await service.DisposeAsync();
        await _hub.DisposeAsync();
    }

    [Fact]
    public async Task Complete_DeletesTheDeliveredMessagesOnly_NotOnesThatArrivedMeanwhile()
    {
        var service = Service("w1");
        var instance = await CreateAsync(service);
        var first = await LockAsync(service);

        await service.SendTaskOrchestrationMessageAsync(Event(instance, "meanwhile"));
        await CompleteAsync(service, first);

        var second = await LockAsync(service);
        var raised = Assert.IsType<EventRaisedEvent>(Assert.Single(second.NewMessages).Event);
        Assert.Equal("meanwhile", raised.Name);
        Assert.Equal(3, second.OrchestrationRuntimeState.Events.Count);
    }

    [Fact]
    public async Task Complete_AfterTheLockWasTaken_WritesNothing_AndTheNewHolderGetsTheSameMessages()
    {
        var (slow, fast) = (Service("slow"), Service("fast"));
        await CreateAsync(slow);
        var lost = await LockAsync(slow);

        _clock.Advance(_lock + TimeSpan.FromSeconds(1));
        var taken = await LockAsync(fast);
        await CompleteAsync(slow, lost);

        Assert.Empty(JsonHistory(await slow.GetOrchestrationHistoryAsync(lost.InstanceId, null)));
        Assert.Equal(OrchestrationStatus.Pending, (await slow.GetOrchestrationStateAsync(lost.InstanceId, allExecutions: false)).Single().OrchestrationStatus);
        Assert.IsType<ExecutionStartedEvent>(Assert.Single(taken.NewMessages).Event);
        await Assert.ThrowsAsync<InvalidOperationException>(() => slow.RenewTaskOrchestrationWorkItemLockAsync(lost));

        await CompleteAsync(fast, taken);
        Assert.Equal(3, JsonHistory(await fast.GetOrchestrationHistoryAsync(taken.InstanceId, null)).Count);
        Assert.Equal(OrchestrationStatus.Running, (await fast.GetOrchestrationStateAsync(taken.InstanceId, allExecutions: false)).Single().OrchestrationStatus);
    }

    [Fact]
    public async Task Activity_LockedMoreThanTheLimit_FailsItsTaskWithAClearReason()
    {
        var service = Service("w1", maxDispatches: 2);
        var instance = await ScheduleActivityAsync(service);

        for (var dispatch = 1; dispatch <= 2; dispatch++)
        {
            var dying = Service($"dies-{dispatch}", maxDispatches: 2);
            var work = await dying.LockNextTaskActivityWorkItem(TimeSpan.Zero, TestContext.Current.CancellationToken);
            Assert.Equal((long)dispatch, work.DeliveryAttempt);
            _clock.Advance(_lock + TimeSpan.FromSeconds(1)); // its worker died
        }
        Assert.Null(await Service("third", maxDispatches: 2).LockNextTaskActivityWorkItem(TimeSpan.Zero, TestContext.Current.CancellationToken));

        var failed = Assert.IsType<TaskFailedEvent>(Assert.Single((await LockAsync(service)).NewMessages).Event);
        Assert.Equal(0, failed.TaskScheduledId);
        Assert.Contains("'Train'", failed.Reason, StringComparison.Ordinal);
        Assert.Contains("2 times without completing", failed.Reason, StringComparison.Ordinal);
        Assert.True(failed.FailureDetails?.IsNonRetriable);
        Assert.Contains(instance.InstanceId, failed.FailureDetails?.ErrorMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Activity_WhoseLockLapsedWhileItsWorkerRunsIt_IsNotHandedToThatWorkerAgain_ButToAnother()
    {
        var (running, other) = (Service("running"), Service("other"));
        await ScheduleActivityAsync(running);
        var work = await running.LockNextTaskActivityWorkItem(TimeSpan.Zero, TestContext.Current.CancellationToken);

        _clock.Advance(_lock + TimeSpan.FromSeconds(1)); // a renewal came late

        Assert.Null(await running.LockNextTaskActivityWorkItem(TimeSpan.Zero, TestContext.Current.CancellationToken));
        var taken = await other.LockNextTaskActivityWorkItem(TimeSpan.Zero, TestContext.Current.CancellationToken);
        Assert.Equal(2L, taken.DeliveryAttempt);
        await Assert.ThrowsAsync<InvalidOperationException>(() => running.RenewTaskActivityWorkItemLockAsync(work));
    }

    private SqliteOrchestrationService Service(string worker, int maxDispatches = 10)
    {
        var options = _hub.Options(worker, new HubTimings { ActivityLock = _lock, OrchestrationLock = _lock }) with { MaxActivityDispatches = maxDispatches };
        var service = new SqliteOrchestrationService(options, TestLoggerFactory.Instance, _clock);
        _services.Add(service);
        return service;
    }

    /// <summary>An instance whose first step scheduled the activity "Train" (task 0).</summary>
    private static async Task<OrchestrationInstance> ScheduleActivityAsync(SqliteOrchestrationService service)
    {
        var instance = await CreateAsync(service);
        var step = await LockAsync(service);
        var state = step.OrchestrationRuntimeState;
        state.AddEvent(new OrchestratorStartedEvent(-1));
        foreach (var message in step.NewMessages)
            state.AddEvent(message.Event);
        var scheduled = new TaskScheduledEvent(0, "Train");
        state.AddEvent(scheduled);
        state.AddEvent(new OrchestratorCompletedEvent(-1));
        var activity = new TaskMessage { OrchestrationInstance = state.OrchestrationInstance, Event = scheduled };
        await service.CompleteTaskOrchestrationWorkItemAsync(step, state, [activity], [], [], null!, Utils.BuildOrchestrationState(state));
        return instance;
    }

    private static async Task<OrchestrationInstance> CreateAsync(SqliteOrchestrationService service)
    {
        var instance = new OrchestrationInstance { InstanceId = HubUnderTest.NewId(), ExecutionId = Guid.NewGuid().ToString("N") };
        await service.CreateTaskOrchestrationAsync(new TaskMessage
        {
            OrchestrationInstance = instance,
            Event = new ExecutionStartedEvent(-1, "null") { Name = "Manual", OrchestrationInstance = instance },
        });
        return instance;
    }

    private static async Task<TaskOrchestrationWorkItem> LockAsync(SqliteOrchestrationService service) =>
        await service.LockNextTaskOrchestrationWorkItemAsync(TimeSpan.Zero, TestContext.Current.CancellationToken)
        ?? throw new InvalidOperationException("no orchestration work item");

    /// <summary>What the dispatcher does with a step that only records its messages.</summary>
    private static Task CompleteAsync(SqliteOrchestrationService service, TaskOrchestrationWorkItem item)
    {
        var state = item.OrchestrationRuntimeState;
        state.AddEvent(new OrchestratorStartedEvent(-1));
        foreach (var message in item.NewMessages)
            state.AddEvent(message.Event);
        state.AddEvent(new OrchestratorCompletedEvent(-1));
        return service.CompleteTaskOrchestrationWorkItemAsync(item, state, [], [], [], null!, Utils.BuildOrchestrationState(state));
    }

    private static TaskMessage Event(OrchestrationInstance instance, string name) =>
        new() { OrchestrationInstance = new OrchestrationInstance { InstanceId = instance.InstanceId }, Event = new EventRaisedEvent(-1, "null") { Name = name } };

    private static List<HistoryEvent> JsonHistory(string json) => HistoryJson.ReadHistory(json);
}
