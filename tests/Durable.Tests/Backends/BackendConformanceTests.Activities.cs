using RankDistill.Durable.Backends;
using RankDistill.Durable.Client;
using RankDistill.Durable.History;

namespace RankDistill.Durable.Tests.Backends;

/// <summary>Activity work items: queues, leases, heartbeats, fenced completion.</summary>
public abstract partial class BackendConformanceTests
{
    [Fact]
    public async Task LockNextActivityAsync_ServesOnlyTheAskedQueue()
    {
        await StartWithTasksAsync("a", (0, "gpu"), (1, "default"));
        var gpu = await LockActivityAsync("gpu", T0);
        Assert.NotNull(gpu);
        Assert.Equal((0, "gpu", 1, 1), (gpu.TaskId, gpu.Queue, gpu.DispatchCount, gpu.Attempt));
        Assert.Null(await LockActivityAsync("gpu", T0));
        Assert.Equal(1, (await LockActivityAsync("default", T0))!.TaskId);
        Assert.Null(await LockActivityAsync("cpu", T0));
    }

    [Fact]
    public async Task LockNextActivityAsync_LeaseExpired_RedeliveredWithLastHeartbeat()
    {
        await StartWithTasksAsync("a", (0, "default"));
        var first = (await LockActivityAsync("default", T0, "w1", TimeSpan.FromSeconds(30)))!;
        Assert.True(await Backend.RenewActivityLockAsync(first, T0.AddSeconds(40), new HeartbeatUpdate("{\"step\":3}"), Ct));
        Assert.Null(await LockActivityAsync("default", T0.AddSeconds(35), "w2"));

        var second = await LockActivityAsync("default", T0.AddSeconds(41), "w2");
        Assert.NotNull(second);
        Assert.Equal(2, second.DispatchCount);
        Assert.Equal("{\"step\":3}", second.HeartbeatDetails);

        // The first worker lost its lease: it can neither renew nor complete.
        Assert.False(await Backend.RenewActivityLockAsync(first, T0.AddMinutes(5), null, Ct));
        Assert.False(await Backend.CompleteActivityAsync(first, Result("a", 0, T0), Ct));
        Assert.Null(await LockOrchestrationAsync(T0.AddMinutes(1)));

        Assert.True(await Backend.CompleteActivityAsync(second, Result("a", 0, T0.AddSeconds(50)), Ct));
        var item = (await LockOrchestrationAsync(T0.AddMinutes(1)))!;
        Assert.Equal("\"ok\"", Assert.IsType<TaskCompleted>(Assert.Single(item.Messages).Event).Result);
        Assert.DoesNotContain(await Backend.GetPendingWorkAsync("a", Ct), w => w.Kind == PendingWorkKind.Activity);
    }

    [Fact]
    public async Task LockNextActivityAsync_OnLockedMessage_WrittenWithTheLock()
    {
        await StartWithTasksAsync("a", (0, "default"));
        var item = await LockActivityAsync("default", T0, onLocked: i =>
            new OutboundMessage(i.InstanceId, new TaskStarted(i.TaskId, i.Name, i.Attempt, i.DispatchCount, "w1"), T0, i.Generation, Wakes: false));
        Assert.NotNull(item);
        var work = await Backend.GetPendingWorkAsync("a", Ct);
        Assert.Single(work, w => w.Name == nameof(TaskStarted));
        var running = Assert.Single(work, w => w.Kind == PendingWorkKind.Activity);
        Assert.Equal("w1", running.LockedBy);
        Assert.Equal(T0.AddMinutes(1), running.LockedUntil);
    }

    [Fact]
    public async Task RenewActivityLockAsync_TasksCancelled_ReportsLost()
    {
        await StartWithTasksAsync("a", (0, "default"));
        var activity = (await LockActivityAsync("default", T0))!;
        await Backend.SendMessageAsync(new OutboundMessage("a", new ExecutionTerminated("stop"), T0), Ct);
        var item = (await LockOrchestrationAsync(T0))!;
        await Backend.CompleteOrchestrationAsync(item, new OrchestrationCommit
        {
            Instance = Update(item, OrchestrationRuntimeStatus.Terminated, T0),
            CancelPendingTasks = true,
        }, Ct);
        Assert.False(await Backend.RenewActivityLockAsync(activity, T0.AddMinutes(1), null, Ct));
        Assert.False(await Backend.CompleteActivityAsync(activity, Result("a", 0, T0), Ct));
    }

    [Fact]
    public async Task AbandonActivityAsync_HiddenUntilVisibleAt_ThenRedeliveredWithoutCountingTheRelease()
    {
        await StartWithTasksAsync("a", (0, "default"));
        var item = (await LockActivityAsync("default", T0))!;
        Assert.True(await Backend.AbandonActivityAsync(item, T0.AddSeconds(10), Ct));
        Assert.Null(await LockActivityAsync("default", T0.AddSeconds(9)));
        Assert.Equal(1, (await LockActivityAsync("default", T0.AddSeconds(10)))!.DispatchCount);
        Assert.False(await Backend.AbandonActivityAsync(item, T0, Ct));
    }

    [Fact]
    public async Task LockNextActivitiesAsync_Batch_OldestFirstEachWithItsOwnLock()
    {
        await StartWithTasksAsync("a", (0, "default"), (1, "default"), (2, "default"), (3, "gpu"));
        var started = new List<int>();
        var batch = await LockActivitiesAsync("default", T0, 2, onLocked: i =>
        {
            started.Add(i.TaskId);
            return new OutboundMessage(i.InstanceId, new TaskStarted(i.TaskId, i.Name, i.Attempt, i.DispatchCount, "w1"), T0, i.Generation, Wakes: false);
        });
        Assert.Equal([0, 1], batch.Select(i => i.TaskId));
        Assert.Equal([0, 1], started);
        Assert.NotEqual(batch[0].LockToken, batch[1].LockToken);
        Assert.Equal(2, (await Backend.GetPendingWorkAsync("a", Ct)).Count(w => w.Name == nameof(TaskStarted)));

        Assert.Equal([2], (await LockActivitiesAsync("default", T0, 5)).Select(i => i.TaskId));
        Assert.Empty(await LockActivitiesAsync("default", T0, 5));
        Assert.True(await Backend.CompleteActivityAsync(batch[1], Result("a", 1, T0), Ct));
        Assert.False(await Backend.RenewActivityLockAsync(batch[1], T0.AddMinutes(1), null, Ct));
        Assert.True(await Backend.RenewActivityLockAsync(batch[0], T0.AddMinutes(1), null, Ct));
    }

    [Fact]
    public async Task LockNextActivityAsync_ConcurrentWorkers_EachTaskToOne()
    {
        await StartWithTasksAsync("a", [.. Enumerable.Range(0, 30).Select(i => (i, "default"))]);
        var locks = await Task.WhenAll(Enumerable.Range(0, 60).Select(w => Task.Run(() => LockActivityAsync("default", T0, $"w{w}"), Ct)));
        var taken = locks.Where(l => l is not null).Select(l => l!.TaskId).ToList();
        Assert.Equal(30, taken.Count);
        Assert.Equal(30, taken.Distinct().Count());
    }

    [Fact]
    public async Task GetQueueDepthsAsync_CountsWaitingWork()
    {
        await StartWithTasksAsync("a", (0, "gpu"), (1, "gpu"), (2, "default"));
        await LockActivityAsync("gpu", T0);
        await Backend.SendMessageAsync(new OutboundMessage("a", new EventRaised("e", null), T0), Ct);
        var depths = await Backend.GetQueueDepthsAsync(T0, Ct);
        Assert.Equal(1, depths.Activities["gpu"]);
        Assert.Equal(1, depths.Activities["default"]);
        Assert.Equal(1, depths.Orchestrations);
    }
}
