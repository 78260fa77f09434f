using RankDistill.Durable.Backends;
using RankDistill.Durable.Client;
using RankDistill.Durable.History;

namespace RankDistill.Durable.Tests.Backends;

/// <summary>Orchestration work items: locking, fenced commits, visibility, abandon.</summary>
public abstract partial class BackendConformanceTests
{
    [Fact]
    public async Task LockNextOrchestrationAsync_Locked_NotHandedOutTwiceUntilExpired()
    {
        await CreateAsync("a");
        var first = await LockOrchestrationAsync(T0, "w1", TimeSpan.FromSeconds(30));
        Assert.NotNull(first);
        Assert.Equal("w1", (await Backend.GetInstanceAsync("a", Ct))!.LockedBy);
        Assert.Null(await LockOrchestrationAsync(T0.AddSeconds(10), "w2"));

        var second = await LockOrchestrationAsync(T0.AddSeconds(31), "w2");
        Assert.NotNull(second);
        Assert.Equal(2, second.Messages[0].DequeueCount);
        Assert.NotEqual(first.LockToken, second.LockToken);
    }

    [Fact]
    public async Task CompleteOrchestrationAsync_LockTakenOver_ThrowsAndWritesNothing()
    {
        await CreateAsync("a");
        var stale = (await LockOrchestrationAsync(T0, "w1", TimeSpan.FromSeconds(30)))!;
        var current = (await LockOrchestrationAsync(T0.AddMinutes(1), "w2"))!;

        await Assert.ThrowsAsync<LockLostException>(() => Backend.CompleteOrchestrationAsync(stale, new OrchestrationCommit
        {
            History = [new OrchestratorStarted { Timestamp = T0 }],
            Instance = Update(stale, OrchestrationRuntimeStatus.Completed, T0),
            Tasks = [new NewActivityTask(0, "Act", "default", null, 1, 1, null, null, T0)],
            Messages = [new OutboundMessage("a", new EventRaised("e", null), T0)],
        }, Ct));
        Assert.Empty(await Backend.GetHistoryAsync("a", Ct));
        Assert.Equal(OrchestrationRuntimeStatus.Pending, (await Backend.GetInstanceAsync("a", Ct))!.RuntimeStatus);
        Assert.Null(await LockActivityAsync("default", T0.AddMinutes(1)));

        await Backend.CompleteOrchestrationAsync(current, new OrchestrationCommit
        {
            History = [new OrchestratorStarted { Timestamp = T0 }, current.Messages[0].Event],
            Instance = Update(current, OrchestrationRuntimeStatus.Running, T0),
        }, Ct);
        Assert.Equal(2, (await Backend.GetHistoryAsync("a", Ct)).Count);
    }

    [Fact]
    public async Task CompleteOrchestrationAsync_MessageArrivedDuringStep_StaysForNextStep()
    {
        await CreateAsync("a");
        var item = (await LockOrchestrationAsync(T0))!;
        await Backend.SendMessageAsync(new OutboundMessage("a", new EventRaised("late", "1"), T0), Ct);
        await Backend.CompleteOrchestrationAsync(item, new OrchestrationCommit
        {
            History = [item.Messages[0].Event],
            Instance = Update(item, OrchestrationRuntimeStatus.Running, T0),
        }, Ct);

        var next = await LockOrchestrationAsync(T0);
        Assert.NotNull(next);
        Assert.Equal("late", Assert.IsType<EventRaised>(Assert.Single(next.Messages).Event).Name);
        Assert.IsType<ExecutionStarted>(Assert.Single(next.History));
    }

    [Fact]
    public async Task CompleteOrchestrationAsync_Commit_AppliesEverythingAtOnce()
    {
        await CreateAsync("parent");
        var item = (await LockOrchestrationAsync(T0))!;
        var fireAt = T0.AddMinutes(5);
        await Backend.CompleteOrchestrationAsync(item, new OrchestrationCommit
        {
            History = [new OrchestratorStarted { Timestamp = T0 }, item.Messages[0].Event, new TimerCreated(0, fireAt)],
            Instance = Update(item, OrchestrationRuntimeStatus.Running, T0) with { CustomStatus = "\"step 1\"" },
            Tasks = [new NewActivityTask(1, "Train", "gpu", "\"uri\"", 1, 1, null, null, T0)],
            Children = [new ChildInstance("child", "Child", "parent", T0)],
            Messages =
            [
                new OutboundMessage("parent", new TimerFired(0, fireAt), fireAt, 1),
                new OutboundMessage("child", new ExecutionStarted("Child", null, 0, new ParentInstance("parent", 2, 1)), T0),
            ],
        }, Ct);

        var parent = (await Backend.GetInstanceAsync("parent", Ct))!;
        Assert.Equal(OrchestrationRuntimeStatus.Running, parent.RuntimeStatus);
        Assert.Equal("\"step 1\"", parent.SerializedCustomStatus);
        Assert.Null(parent.LockedBy);
        Assert.Equal(3, (await Backend.GetHistoryAsync("parent", Ct)).Count);
        var child = (await Backend.GetInstanceAsync("child", Ct))!;
        Assert.Equal("parent", child.ParentInstanceId);
        Assert.Equal(OrchestrationRuntimeStatus.Pending, child.RuntimeStatus);

        var work = await Backend.GetPendingWorkAsync("parent", Ct);
        var train = Assert.Single(work, w => w.Kind == PendingWorkKind.Activity);
        Assert.Equal(("Train", "gpu", false), (train.Name, train.Queue, train.IsLocked));
        var timer = Assert.Single(work, w => w.Kind == PendingWorkKind.Message);
        Assert.Equal((nameof(TimerFired), fireAt), (timer.Name, timer.VisibleAt));

        // The child's start is visible now; the parent's timer only at its time.
        var next = (await LockOrchestrationAsync(T0, lockFor: TimeSpan.FromHours(1)))!;
        Assert.Equal("child", next.InstanceId);
        Assert.Null(await LockOrchestrationAsync(fireAt.AddSeconds(-1)));
        Assert.Equal("parent", (await LockOrchestrationAsync(fireAt))!.InstanceId);
    }

    [Fact]
    public async Task CompleteOrchestrationAsync_ReplaceHistory_DropsOldEvents()
    {
        await StartWithTasksAsync("a", (0, "default"), (1, "default"));
        await Backend.SendMessageAsync(new OutboundMessage("a", new EventRaised("go", null), T0), Ct);
        var item = (await LockOrchestrationAsync(T0))!;
        await Backend.CompleteOrchestrationAsync(item, new OrchestrationCommit
        {
            History = [new ExecutionStarted("Orch", "2", 2)],
            ReplaceHistory = true,
            Instance = Update(item, OrchestrationRuntimeStatus.Running, T0),
            CancelPendingTasks = true,
        }, Ct);
        Assert.IsType<ExecutionStarted>(Assert.Single(await Backend.GetHistoryAsync("a", Ct)));
        Assert.Empty(await Backend.GetPendingWorkAsync("a", Ct));
    }

    [Fact]
    public async Task LockNextOrchestrationAsync_OnlyNonWakingMessages_NotLockedUntilAWakingOneArrives()
    {
        await StartWithTasksAsync("a", (0, "default"));
        await Backend.SendMessageAsync(new OutboundMessage("a", new TaskStarted(0, "Act", 1, 1, "w"), T0, 1, Wakes: false), Ct);
        Assert.Null(await LockOrchestrationAsync(T0.AddSeconds(1)));

        await Backend.SendMessageAsync(Result("a", 0, T0), Ct);
        var item = (await LockOrchestrationAsync(T0.AddSeconds(1)))!;
        Assert.Equal([typeof(TaskStarted), typeof(TaskCompleted)], item.Messages.Select(m => m.Event.GetType()));
        Assert.All(item.Messages, m => Assert.Equal(1, m.Generation));
    }

    [Fact]
    public async Task AbandonOrchestrationAsync_MessagesHiddenUntilVisibleAt()
    {
        await CreateAsync("a");
        var item = (await LockOrchestrationAsync(T0))!;
        await Backend.AbandonOrchestrationAsync(item, T0.AddSeconds(5), Ct);
        Assert.Null(await LockOrchestrationAsync(T0.AddSeconds(4)));
        var again = await LockOrchestrationAsync(T0.AddSeconds(5));
        Assert.NotNull(again);
        Assert.Equal(2, again.Messages[0].DequeueCount);
    }

    [Fact]
    public async Task LockNextOrchestrationAsync_ConcurrentWorkers_EachInstanceToOne()
    {
        for (var i = 0; i < 20; i++)
            await CreateAsync($"i{i}");
        var locks = await Task.WhenAll(Enumerable.Range(0, 40).Select(w => Task.Run(() => LockOrchestrationAsync(T0, $"w{w}"), Ct)));
        var taken = locks.Where(l => l is not null).Select(l => l!.InstanceId).ToList();
        Assert.Equal(20, taken.Count);
        Assert.Equal(20, taken.Distinct().Count());
    }
}
