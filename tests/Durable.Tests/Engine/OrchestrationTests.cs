using System.Collections.Concurrent;
using RankDistill.Durable.Client;
using RankDistill.Durable.History;
using RankDistill.Durable.Tests.Support;

namespace RankDistill.Durable.Tests.Engine;

/// <summary>The programming model end to end on a real SQLite hub with a real worker.</summary>
public sealed class OrchestrationTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task CallActivityAsync_Chain_PassesResultsAlongAndRecordsEachStep()
    {
        await using var hub = await TestHub.StartAsync(b => b
            .AddActivity<int, int>("AddOne", (_, x) => Task.FromResult(x + 1))
            .AddOrchestrator<int, int>("Chain", async (ctx, x) =>
            {
                for (var i = 0; i < 10; i++)
                    x = await ctx.CallActivityAsync<int>("AddOne", x);
                return x;
            }));

        var done = await hub.RunAsync("Chain", 5);

        Assert.Equal(OrchestrationRuntimeStatus.Completed, done.RuntimeStatus);
        Assert.Equal(15, done.ReadOutputAs<int>());
        var history = await hub.Client.GetHistoryAsync(done.InstanceId, Ct);
        Assert.Equal(10, history.OfType<TaskScheduled>().Count());
        Assert.Equal(10, history.OfType<TaskCompleted>().Count());
        Assert.Equal(10, history.OfType<TaskStarted>().Count());
        Assert.All(history.OfType<TaskStarted>(), s => Assert.Equal((1, 1), (s.Attempt, s.DispatchCount)));
        Assert.IsType<ExecutionStarted>(history.First(e => e is not OrchestratorStarted));
        Assert.Equal(OrchestrationRuntimeStatus.Completed, Assert.IsType<ExecutionCompleted>(history[^1]).Status);
    }

    [Fact]
    public async Task CallActivityAsync_FanOutOfHundreds_AllResultsGathered()
    {
        var executions = new ConcurrentDictionary<int, int>();
        await using var hub = await TestHub.StartAsync(b => b
            .AddActivity<int, int>("Square", (_, x) =>
            {
                executions.AddOrUpdate(x, 1, (_, n) => n + 1);
                return Task.FromResult(x * x);
            })
            .AddOrchestrator<int, long>("FanOut", async (ctx, n) =>
            {
                var results = await Task.WhenAll(Enumerable.Range(0, n).Select(i => ctx.CallActivityAsync<int>("Square", i)));
                return results.Sum(r => (long)r);
            }), o => o.Queues["default"] = 8);

        var done = await hub.RunAsync("FanOut", 300, timeout: TimeSpan.FromSeconds(60));

        Assert.Equal(OrchestrationRuntimeStatus.Completed, done.RuntimeStatus);
        Assert.Equal(Enumerable.Range(0, 300).Sum(i => (long)i * i), done.ReadOutputAs<long>());
        Assert.Equal(300, executions.Count);
        Assert.All(executions.Values, n => Assert.Equal(1, n));
        var history = await hub.Client.GetHistoryAsync(done.InstanceId, Ct);
        Assert.Equal(300, history.OfType<TaskCompleted>().Select(c => c.TaskId).Distinct().Count());
    }

    [Fact]
    public async Task CallSubOrchestratorAsync_ChildrenRunAndFailuresReachTheParent()
    {
        await using var hub = await TestHub.StartAsync(b => b
            .AddActivity<int, int>("Half", (_, x) => x % 2 == 0 ? Task.FromResult(x / 2) : throw new ArgumentException($"{x} is odd"))
            .AddOrchestrator<int, int>("Child", (ctx, x) => ctx.CallActivityAsync<int>("Half", x))
            .AddOrchestrator<int, string>("Parent", async (ctx, _) =>
            {
                var ok = await ctx.CallSubOrchestratorAsync<int>("Child", 8);
                try
                {
                    await ctx.CallSubOrchestratorAsync<int>("Child", 3, new SubOrchestrationOptions { InstanceId = ctx.InstanceId + "-odd" });
                    return "unexpected";
                }
                catch (TaskFailedException e)
                {
                    return $"{ok};{e.FailureDetails.IsCausedBy<ArgumentException>()}";
                }
            }));

        var done = await hub.RunAsync("Parent", 0, instanceId: "p1");

        Assert.Equal("4;True", done.ReadOutputAs<string>());
        var child = await hub.Client.GetInstanceAsync("p1-odd", Ct);
        Assert.Equal((OrchestrationRuntimeStatus.Failed, "p1"), (child!.RuntimeStatus, child.ParentInstanceId));
        var children = await hub.Client.QueryInstancesAsync(new InstanceQuery { InstanceIdPrefix = "p1:" }, Ct);
        Assert.Equal(OrchestrationRuntimeStatus.Completed, Assert.Single(children.Instances).RuntimeStatus);
    }

    [Fact]
    public async Task ContinueAsNew_Loop_StartsOverWithAFreshHistory()
    {
        await using var hub = await TestHub.StartAsync(b => b
            .AddActivity<int, int>("Inc", (_, x) => Task.FromResult(x + 1))
            .AddOrchestrator<int, int>("Loop", async (ctx, n) =>
            {
                var next = await ctx.CallActivityAsync<int>("Inc", n);
                if (next < 5)
                    ctx.ContinueAsNew(next);
                return next;
            }));

        var done = await hub.RunAsync("Loop", 0);

        Assert.Equal(5, done.ReadOutputAs<int>());
        Assert.Equal(5, done.Generation);
        var history = await hub.Client.GetHistoryAsync(done.InstanceId, Ct);
        Assert.Equal("4", Assert.Single(history.OfType<ExecutionStarted>()).Input);
        Assert.Single(history.OfType<TaskScheduled>());
    }

    [Fact]
    public async Task NewGuidAndCustomStatus_SameOnEveryReplay()
    {
        var seenByActivity = new ConcurrentBag<Guid>();
        await using var hub = await TestHub.StartAsync(b => b
            .AddActivity<Guid, bool>("See", (_, g) =>
            {
                seenByActivity.Add(g);
                return Task.FromResult(true);
            })
            .AddOrchestrator<string?, Guid[]>("Guids", async (ctx, _) =>
            {
                var first = ctx.NewGuid();
                ctx.SetCustomStatus(new { phase = "seen", first });
                await ctx.CallActivityAsync<bool>("See", first);
                var second = ctx.NewGuid();
                await ctx.CallActivityAsync<bool>("See", second);
                return [first, second];
            }));

        var done = await hub.RunAsync("Guids");

        var output = done.ReadOutputAs<Guid[]>()!;
        Assert.Equal(output.Order(), seenByActivity.Order());
        Assert.NotEqual(output[0], output[1]);
        Assert.Contains(output[0].ToString(), done.SerializedCustomStatus!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Schedule_UnknownOrchestrator_FailsWithTheRegisteredNames()
    {
        await using var hub = await TestHub.StartAsync(b => b.AddOrchestrator<int, int>("Known", (_, x) => Task.FromResult(x)));

        var done = await hub.RunAsync("Unknown", 1);

        Assert.Equal(OrchestrationRuntimeStatus.Failed, done.RuntimeStatus);
        Assert.Contains("No orchestrator named 'Unknown'", done.FailureDetails!.Message, StringComparison.Ordinal);
        Assert.Contains("Known", done.FailureDetails.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ClassBasedTasks_ResolvedFromTheContainerUnderTheirNames()
    {
        await using var hub = await TestHub.StartAsync(b => b.AddOrchestrator<Greeter>().AddActivity<Shout>());

        var done = await hub.RunAsync(nameof(Greeter), "ada");

        Assert.Equal("HELLO, ADA!", done.ReadOutputAs<string>());
    }

    [Fact]
    public async Task ScheduleNewOrchestrationInstanceAsync_ReusePolicy_RefusesWhileRunningAllowsWhenTerminal()
    {
        await using var hub = await TestHub.StartAsync(b => b
            .AddOrchestrator<int, int>("WaitGo", async (ctx, _) => await ctx.WaitForExternalEvent<int>("go")));
        var options = new StartOrchestrationOptions { InstanceId = "drop-1" };
        await hub.Client.ScheduleNewOrchestrationInstanceAsync("WaitGo", 0, options, Ct);

        await Assert.ThrowsAsync<InstanceAlreadyExistsException>(() => hub.Client.ScheduleNewOrchestrationInstanceAsync("WaitGo", 0, options, Ct));
        await hub.Client.RaiseEventAsync("drop-1", "go", 7, Ct);
        Assert.Equal(7, (await hub.WaitAsync("drop-1")).ReadOutputAs<int>());

        await Assert.ThrowsAsync<InstanceAlreadyExistsException>(() =>
            hub.Client.ScheduleNewOrchestrationInstanceAsync("WaitGo", 0, options with { ReusePolicy = InstanceIdReusePolicy.Reject }, Ct));
        await hub.Client.ScheduleNewOrchestrationInstanceAsync("WaitGo", 0, options, Ct);
        await hub.Client.RaiseEventAsync("drop-1", "go", 8, Ct);
        var again = await hub.WaitAsync("drop-1");
        Assert.Equal((8, 2), (again.ReadOutputAs<int>(), again.Generation));
    }
}

[TaskName(nameof(Greeter))]
public sealed class Greeter : TaskOrchestrator<string, string>
{
    public override async Task<string> RunAsync(TaskOrchestrationContext context, string input) =>
        await context.CallActivityAsync<string>("shout", $"hello, {input}");
}

[TaskName("shout")]
public sealed class Shout : TaskActivity<string, string>
{
    public override Task<string> RunAsync(TaskActivityContext context, string input) => Task.FromResult(input.ToUpperInvariant() + "!");
}
