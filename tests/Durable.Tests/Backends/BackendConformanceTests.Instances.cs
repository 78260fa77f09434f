using RankDistill.Durable.Backends;
using RankDistill.Durable.Client;
using RankDistill.Durable.History;

namespace RankDistill.Durable.Tests.Backends;

/// <summary>Instances: create with reuse policies, read, query, purge, messages.</summary>
public abstract partial class BackendConformanceTests
{
    [Fact]
    public async Task InitializeAsync_CalledAgain_KeepsData()
    {
        await CreateAsync("a");
        await Backend.InitializeAsync(Ct);
        Assert.NotNull(await Backend.GetInstanceAsync("a", Ct));
    }

    [Fact]
    public async Task CreateInstanceAsync_NewId_IsPendingWithStartMessage()
    {
        await CreateAsync("a", input: "{\"x\":1}");
        var instance = await Backend.GetInstanceAsync("a", Ct);
        Assert.NotNull(instance);
        Assert.Equal(OrchestrationRuntimeStatus.Pending, instance.RuntimeStatus);
        Assert.Equal("{\"x\":1}", instance.SerializedInput);
        Assert.Equal(T0, instance.CreatedAt);
        var item = await LockOrchestrationAsync(T0);
        Assert.NotNull(item);
        var started = Assert.IsType<ExecutionStarted>(Assert.Single(item.Messages).Event);
        Assert.Equal("Orch", started.Name);
        Assert.Empty(item.History);
    }

    [Theory]
    [InlineData(InstanceIdReusePolicy.AllowWhenTerminal)]
    [InlineData(InstanceIdReusePolicy.AllowWhenFailed)]
    [InlineData(InstanceIdReusePolicy.Reject)]
    public async Task CreateInstanceAsync_IdPending_Throws(InstanceIdReusePolicy policy)
    {
        await CreateAsync("a");
        var e = await Assert.ThrowsAsync<InstanceAlreadyExistsException>(() => CreateAsync("a", policy: policy));
        Assert.Equal(OrchestrationRuntimeStatus.Pending, e.Status);
    }

    [Theory]
    [InlineData(OrchestrationRuntimeStatus.Completed, InstanceIdReusePolicy.AllowWhenTerminal, true)]
    [InlineData(OrchestrationRuntimeStatus.Failed, InstanceIdReusePolicy.AllowWhenTerminal, true)]
    [InlineData(OrchestrationRuntimeStatus.Completed, InstanceIdReusePolicy.AllowWhenFailed, false)]
    [InlineData(OrchestrationRuntimeStatus.Terminated, InstanceIdReusePolicy.AllowWhenFailed, true)]
    [InlineData(OrchestrationRuntimeStatus.Completed, InstanceIdReusePolicy.Reject, false)]
    [InlineData(OrchestrationRuntimeStatus.Running, InstanceIdReusePolicy.AllowWhenTerminal, false)]
    public async Task CreateInstanceAsync_IdExists_FollowsPolicy(OrchestrationRuntimeStatus existing, InstanceIdReusePolicy policy, bool replaced)
    {
        await StartWithTasksAsync("a", (0, "default"));
        Assert.Null(await LockOrchestrationAsync(T0.AddSeconds(1)));
        await Backend.SendMessageAsync(Result("a", 0, T0), Ct);
        var item = (await LockOrchestrationAsync(T0.AddSeconds(1)))!;
        await Backend.CompleteOrchestrationAsync(item, new OrchestrationCommit { Instance = Update(item, existing, T0) }, Ct);

        var later = T0.AddHours(1);
        if (replaced)
        {
            await CreateAsync("a", at: later, policy: policy, input: "2");
            var instance = (await Backend.GetInstanceAsync("a", Ct))!;
            Assert.Equal(OrchestrationRuntimeStatus.Pending, instance.RuntimeStatus);
            Assert.Equal(later, instance.CreatedAt);
            Assert.Equal("2", instance.SerializedInput);
            Assert.Empty(await Backend.GetHistoryAsync("a", Ct));
            Assert.DoesNotContain(await Backend.GetPendingWorkAsync("a", Ct), w => w.Kind == PendingWorkKind.Activity);
        }
        else
        {
            var e = await Assert.ThrowsAsync<InstanceAlreadyExistsException>(() => CreateAsync("a", at: later, policy: policy));
            Assert.Equal(existing, e.Status);
            Assert.Equal(existing, (await Backend.GetInstanceAsync("a", Ct))!.RuntimeStatus);
        }
    }

    [Fact]
    public async Task SendMessageAsync_UnknownInstance_ReturnsFalse()
    {
        Assert.False(await Backend.SendMessageAsync(Result("nobody", 0, T0), Ct));
        Assert.Null(await LockOrchestrationAsync(T0));
    }

    [Fact]
    public async Task QueryInstancesAsync_Filters_MatchAndPage()
    {
        for (var i = 0; i < 7; i++)
            await CreateAsync($"run-{i}", name: i % 2 == 0 ? "Even" : "Odd", at: T0.AddMinutes(i));
        await CreateAsync("other-1", name: "Even", at: T0.AddMinutes(10));

        var evens = await Backend.QueryInstancesAsync(new InstanceQuery { Name = "Even" }, Ct);
        Assert.Equal(["other-1", "run-6", "run-4", "run-2", "run-0"], evens.Instances.Select(i => i.InstanceId));

        var prefixed = await Backend.QueryInstancesAsync(new InstanceQuery { InstanceIdPrefix = "run-", CreatedFrom = T0.AddMinutes(2), CreatedTo = T0.AddMinutes(5) }, Ct);
        Assert.Equal(["run-4", "run-3", "run-2"], prefixed.Instances.Select(i => i.InstanceId));

        var pending = await Backend.QueryInstancesAsync(new InstanceQuery { Statuses = [OrchestrationRuntimeStatus.Pending] }, Ct);
        Assert.Equal(8, pending.Instances.Count);
        var none = await Backend.QueryInstancesAsync(new InstanceQuery { Statuses = [OrchestrationRuntimeStatus.Completed] }, Ct);
        Assert.Empty(none.Instances);

        var seen = new List<string>();
        string? token = null;
        var pages = 0;
        do
        {
            var page = await Backend.QueryInstancesAsync(new InstanceQuery { PageSize = 3, ContinuationToken = token }, Ct);
            seen.AddRange(page.Instances.Select(i => i.InstanceId));
            token = page.ContinuationToken;
            pages++;
        }
        while (token is not null);
        Assert.Equal(3, pages);
        Assert.Equal(["other-1", "run-6", "run-5", "run-4", "run-3", "run-2", "run-1", "run-0"], seen);
    }

    [Fact]
    public async Task PurgeInstanceAsync_Running_RefusesAndKeepsIt()
    {
        await StartWithTasksAsync("a", (0, "default"));
        await Assert.ThrowsAsync<InvalidOperationException>(() => Backend.PurgeInstanceAsync("a", Ct));
        Assert.NotNull(await Backend.GetInstanceAsync("a", Ct));
        Assert.False(await Backend.PurgeInstanceAsync("missing", Ct));
    }

    [Fact]
    public async Task PurgeInstancesAsync_TerminalMatches_DeletesEverything()
    {
        foreach (var (id, status) in new[] { ("done", OrchestrationRuntimeStatus.Completed), ("bad", OrchestrationRuntimeStatus.Failed), ("live", OrchestrationRuntimeStatus.Running) })
        {
            await StartWithTasksAsync(id, (0, "default"));
            await Backend.SendMessageAsync(Result(id, 0, T0), Ct);
            var item = (await LockOrchestrationAsync(T0.AddSeconds(1)))!;
            await Backend.CompleteOrchestrationAsync(item, new OrchestrationCommit
            {
                History = [new TaskCompleted(0, "1")],
                Instance = Update(item, status, T0),
                Tasks = [new NewActivityTask(1, "Act", "default", null, 1, 1, null, null, T0)],
            }, Ct);
        }

        Assert.Equal(1, await Backend.PurgeInstancesAsync(new PurgeFilter { Statuses = [OrchestrationRuntimeStatus.Failed] }, Ct));
        Assert.Null(await Backend.GetInstanceAsync("bad", Ct));
        Assert.Empty(await Backend.GetHistoryAsync("bad", Ct));
        Assert.Empty(await Backend.GetPendingWorkAsync("bad", Ct));

        Assert.True(await Backend.PurgeInstanceAsync("done", Ct));
        Assert.Empty(await Backend.GetHistoryAsync("done", Ct));
        Assert.Equal(0, await Backend.PurgeInstancesAsync(new PurgeFilter(), Ct));
        Assert.NotNull(await Backend.GetInstanceAsync("live", Ct));
        Assert.Single((await Backend.GetQueueDepthsAsync(T0.AddHours(1), Ct)).Activities);
    }
}
