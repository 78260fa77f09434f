using RankDistill.Durable.Backends;
using RankDistill.Durable.Client;
using RankDistill.Durable.History;
using RankDistill.Durable.Tests.Support;

namespace RankDistill.Durable.Tests.Engine;

/// <summary>Poison items, payload limits and errors, queue routing.</summary>
public sealed class RobustnessTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>
    /// A crashing worker leaves its lock behind and the dispatch count raised; the next dispatch
    /// sees the count. The crashes are reproduced here by locking the item with leases that end
    /// at once (the state a crashed worker leaves; the crash tests kill real processes).
    /// </summary>
    [Fact]
    public async Task ActivityDispatchedTooOften_FailsTheInstanceAsPoison()
    {
        var ran = 0;
        using var folder = new TempFolder();
        Action<Hosting.DurableTaskBuilder> register = b => b
            .AddActivity<string?, string>("Crashy", (_, _) => Task.FromResult($"ran {Interlocked.Increment(ref ran)}"))
            .AddOrchestrator<string?, string>("UsesCrashy", (ctx, _) => ctx.CallActivityAsync<string>("Crashy", null,
                new TaskOptions { Queue = "gpu", Retry = new RetryPolicy(5, TimeSpan.Zero) }));
        await using var orchestrations = await TestHub.StartAsync(register, o => o.Queues["cpu"] = 1, databasePath: folder.File("hub.db"));
        var id = await orchestrations.Client.ScheduleNewOrchestrationInstanceAsync("UsesCrashy", null, cancellationToken: Ct);
        await Eventually.TrueAsync(async () => (await orchestrations.Client.GetPendingWorkAsync(id, Ct)).Any(w => w.Queue == "gpu"),
            TimeSpan.FromSeconds(20), "the gpu task to be queued");
        for (var crash = 0; crash < 3; crash++)
        {
            var now = DateTimeOffset.UtcNow;
            Assert.Single(await orchestrations.Backend.LockNextActivitiesAsync("gpu", new LockRequest($"crashed-{crash}", now, now), 1, null, Ct));
        }

        await using var gpu = await TestHub.StartAsync(register, o =>
        {
            o.Queues["gpu"] = 1;
            o.MaxConcurrentOrchestrations = 0;
            o.MaxDispatchCount = 3;
        }, databasePath: folder.File("hub.db"));
        var done = await orchestrations.WaitAsync(id);

        Assert.Equal(OrchestrationRuntimeStatus.Failed, done.RuntimeStatus);
        Assert.True(done.FailureDetails!.IsPoison);
        Assert.Contains("dispatched 4 times", done.FailureDetails.Message, StringComparison.Ordinal);
        Assert.Equal(0, ran);
        Assert.Single((await orchestrations.Client.GetHistoryAsync(id, Ct)).OfType<TaskScheduled>());
    }

    [Fact]
    public async Task OrchestrationStepDispatchedTooOften_FailsTheInstanceAsPoison()
    {
        using var folder = new TempFolder();
        Action<Hosting.DurableTaskBuilder> register = b => b.AddOrchestrator<int, int>("Fine", (_, x) => Task.FromResult(x));
        await using var client = await TestHub.StartAsync(register, databasePath: folder.File("hub.db"), runWorker: false);
        var id = await client.Client.ScheduleNewOrchestrationInstanceAsync("Fine", 1, cancellationToken: Ct);
        for (var crash = 0; crash < 2; crash++)
        {
            var now = DateTimeOffset.UtcNow;
            Assert.NotNull(await client.Backend.LockNextOrchestrationAsync(new LockRequest($"crashed-{crash}", now, now), Ct));
        }

        await using var worker = await TestHub.StartAsync(register, o => o.MaxDispatchCount = 2, databasePath: folder.File("hub.db"));
        var done = await worker.WaitAsync(id);

        Assert.Equal(OrchestrationRuntimeStatus.Failed, done.RuntimeStatus);
        Assert.True(done.FailureDetails!.IsPoison);
        Assert.Contains("dispatched 3 times", done.FailureDetails.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ScheduleNewOrchestrationInstanceAsync_InputOverLimit_SaysToPassReferences()
    {
        await using var hub = await TestHub.StartAsync(b => b.AddOrchestrator<string, int>("Big", (_, s) => Task.FromResult(s.Length)),
            options: o => o.MaxPayloadBytes = 1024);

        var e = await Assert.ThrowsAsync<PayloadTooLargeException>(() =>
            hub.Client.ScheduleNewOrchestrationInstanceAsync("Big", new string('x', 2000), cancellationToken: Ct));

        Assert.Contains("input of orchestration 'Big'", e.Message, StringComparison.Ordinal);
        Assert.Contains("artifact references", e.Message, StringComparison.Ordinal);
        Assert.Empty((await hub.Client.QueryInstancesAsync(new InstanceQuery(), Ct)).Instances);
    }

    [Fact]
    public async Task ActivityResultOverLimit_FailsTheCallWithTheReason()
    {
        await using var hub = await TestHub.StartAsync(b => b
            .AddActivity<int, string>("Dump", (_, n) => Task.FromResult(new string('y', n)))
            .AddOrchestrator<int, string>("Dumper", (ctx, n) => ctx.CallActivityAsync<string>("Dump", n)),
            options: o => o.MaxPayloadBytes = 1024);

        var done = await hub.RunAsync("Dumper", 5000);

        Assert.Equal(OrchestrationRuntimeStatus.Failed, done.RuntimeStatus);
        Assert.True(done.FailureDetails!.IsCausedBy<PayloadTooLargeException>());
        Assert.Contains("result of activity 'Dump'", done.FailureDetails.Inner!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Payloads_NotSerializableOrWrongType_FailWithClearErrors()
    {
        await using var hub = await TestHub.StartAsync(b => b.AddOrchestrator<int, int>("Typed", (_, x) => Task.FromResult(x)));
        var cyclic = new Node();
        cyclic.Next = cyclic;

        var e = await Assert.ThrowsAsync<PayloadSerializationException>(() =>
            hub.Client.ScheduleNewOrchestrationInstanceAsync("Typed", cyclic, cancellationToken: Ct));
        Assert.Contains("input of orchestration 'Typed'", e.Message, StringComparison.Ordinal);

        var done = await hub.RunAsync("Typed", "not a number");
        Assert.Equal(OrchestrationRuntimeStatus.Failed, done.RuntimeStatus);
        Assert.Equal(typeof(PayloadSerializationException).FullName, done.FailureDetails!.ErrorType);
        Assert.Contains("cannot be read as System.Int32", done.FailureDetails.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ActivityOnAQueueNoWorkerServes_WaitsThenRunsWhereServed()
    {
        using var folder = new TempFolder();
        Action<Hosting.DurableTaskBuilder> register = b => b
            .AddActivity<int, int>("Distill", (_, x) => Task.FromResult(x + 1))
            .AddOrchestrator<int, int>("NeedsGpu", (ctx, x) => ctx.CallActivityAsync<int>("Distill", x, new TaskOptions { Queue = "gpu" }));
        await using var cpu = await TestHub.StartAsync(register, databasePath: folder.File("hub.db"));
        var id = await cpu.Client.ScheduleNewOrchestrationInstanceAsync("NeedsGpu", 1, cancellationToken: Ct);

        var waiting = await Eventually.WaitAsync(async () =>
            (await cpu.Client.GetPendingWorkAsync(id, Ct)).FirstOrDefault(w => w.Kind == PendingWorkKind.Activity), TimeSpan.FromSeconds(20), "the gpu task");
        Assert.Equal(("Distill", "gpu", false, 0), (waiting.Name, waiting.Queue, waiting.IsLocked, waiting.DispatchCount));
        Assert.Equal(OrchestrationRuntimeStatus.Running, (await cpu.Client.GetInstanceAsync(id, Ct))!.RuntimeStatus);

        await using var gpu = await TestHub.StartAsync(register, o =>
        {
            o.WorkerId = "gpu-worker";
            o.Queues["gpu"] = 1;
            o.MaxConcurrentOrchestrations = 0;
        }, databasePath: folder.File("hub.db"));

        Assert.Equal(2, (await cpu.WaitAsync(id)).ReadOutputAs<int>());
        Assert.Equal("gpu-worker", (await cpu.Client.GetHistoryAsync(id, Ct)).OfType<TaskStarted>().Single().WorkerId);
    }

    [Fact]
    public async Task ActivityNotRegistered_FailsTheCallNamingTheRegisteredOnes()
    {
        await using var hub = await TestHub.StartAsync(b => b
            .AddActivity<int, int>("Known", (_, x) => Task.FromResult(x))
            .AddOrchestrator<int, int>("CallsMissing", (ctx, x) => ctx.CallActivityAsync<int>("Missing", x)));

        var done = await hub.RunAsync("CallsMissing", 1);

        Assert.Contains("No activity named 'Missing'", done.FailureDetails!.Inner!.Message, StringComparison.Ordinal);
        Assert.Contains("Known", done.FailureDetails.Inner.Message, StringComparison.Ordinal);
    }

    private sealed class Node
    {
        public Node? Next { get; set; }
    }
}
