using System.Collections.Concurrent;
using RankDistill.Durable.Client;
using RankDistill.Durable.History;
using RankDistill.Durable.Tests.Support;

namespace RankDistill.Durable.Tests.Engine;

/// <summary>Terminate, suspend, resume, rewind and purge from the client.</summary>
public sealed class ControlTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task TerminateInstanceAsync_RunningActivity_IsCancelledAndInstanceTerminated()
    {
        var cancelled = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var hub = await TestHub.StartAsync(b => b
            .AddActivity<string?, string>("Forever", async (ctx, _) =>
            {
                try
                {
                    await Task.Delay(Timeout.Infinite, ctx.CancellationToken);
                }
                catch (OperationCanceledException)
                {
                    cancelled.TrySetResult(true);
                    throw;
                }
                return "never";
            })
            .AddOrchestrator<string?, string>("Long", (ctx, _) => ctx.CallActivityAsync<string>("Forever")));

        var id = await hub.Client.ScheduleNewOrchestrationInstanceAsync("Long", null, cancellationToken: Ct);
        await Eventually.TrueAsync(async () => (await hub.Client.GetPendingWorkAsync(id, Ct)).Any(w => w.Kind == PendingWorkKind.Activity && w.IsLocked),
            TimeSpan.FromSeconds(20), "the activity to run");
        await hub.Client.TerminateInstanceAsync(id, "operator stop", Ct);

        var done = await hub.WaitAsync(id);
        Assert.Equal(OrchestrationRuntimeStatus.Terminated, done.RuntimeStatus);
        Assert.Equal("operator stop", done.ReadOutputAs<string>());
        Assert.True(await cancelled.Task.WaitAsync(TimeSpan.FromSeconds(20), Ct));
        Assert.Equal("operator stop", (await hub.Client.GetHistoryAsync(id, Ct)).OfType<ExecutionTerminated>().Single().Reason);
        await Eventually.TrueAsync(async () => (await hub.Client.GetPendingWorkAsync(id, Ct)).Count == 0, TimeSpan.FromSeconds(10), "no work left");
    }

    [Fact]
    public async Task SuspendInstanceAsync_EventsHeldUntilResumed()
    {
        await using var hub = await TestHub.StartAsync(b => b
            .AddOrchestrator<string?, string>("Gate", async (ctx, _) => await ctx.WaitForExternalEvent<string>("go")));
        var id = await hub.Client.ScheduleNewOrchestrationInstanceAsync("Gate", null, cancellationToken: Ct);

        await hub.Client.SuspendInstanceAsync(id, "maintenance", Ct);
        await Eventually.TrueAsync(async () => (await hub.Client.GetInstanceAsync(id, Ct))!.RuntimeStatus == OrchestrationRuntimeStatus.Suspended,
            TimeSpan.FromSeconds(20), "suspended");
        await hub.Client.RaiseEventAsync(id, "go", "now", Ct);
        await Eventually.TrueAsync(async () => (await hub.Client.GetHistoryAsync(id, Ct)).OfType<EventRaised>().Any(),
            TimeSpan.FromSeconds(20), "the event to be recorded");
        Assert.Equal(OrchestrationRuntimeStatus.Suspended, (await hub.Client.GetInstanceAsync(id, Ct))!.RuntimeStatus);

        await hub.Client.ResumeInstanceAsync(id, null, Ct);
        var done = await hub.WaitAsync(id);
        Assert.Equal("now", done.ReadOutputAs<string>());
        var kinds = (await hub.Client.GetHistoryAsync(id, Ct)).Select(e => e.GetType().Name).ToList();
        Assert.True(kinds.IndexOf(nameof(ExecutionSuspended)) < kinds.IndexOf(nameof(EventRaised)));
        Assert.True(kinds.IndexOf(nameof(EventRaised)) < kinds.IndexOf(nameof(ExecutionResumed)));
    }

    [Fact]
    public async Task RewindInstanceAsync_FailedStep_ContinuesWithoutRerunningCompletedOnes()
    {
        var runs = new ConcurrentDictionary<string, int>();
        var broken = 1;
        await using var hub = await TestHub.StartAsync(b => b
            .AddActivity<string, string>("Step", (_, name) =>
            {
                runs.AddOrUpdate(name, 1, (_, n) => n + 1);
                if (name == "train" && Volatile.Read(ref broken) == 1)
                    throw new InvalidOperationException("out of memory");
                return Task.FromResult(name);
            })
            .AddOrchestrator<string?, string>("Pipeline", async (ctx, _) =>
            {
                var prepared = await Task.WhenAll(ctx.CallActivityAsync<string>("Step", "prepare-a"), ctx.CallActivityAsync<string>("Step", "prepare-b"));
                var trained = await ctx.CallActivityAsync<string>("Step", "train");
                return string.Join(",", [.. prepared, trained, await ctx.CallActivityAsync<string>("Step", "publish")]);
            }));

        var failed = await hub.RunAsync("Pipeline");
        Assert.Equal(OrchestrationRuntimeStatus.Failed, failed.RuntimeStatus);
        Assert.Contains("out of memory", failed.FailureDetails!.Inner!.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<InvalidOperationException>(() => hub.Client.RewindInstanceAsync("missing-is-not-failed", null, Ct).ContinueWith(
            t => t.Exception?.InnerException is InstanceNotFoundException ? throw new InvalidOperationException() : t, Ct, TaskContinuationOptions.None, TaskScheduler.Default));

        Volatile.Write(ref broken, 0);
        var done = await RewindAndWaitAsync(hub, failed.InstanceId, "fixed the memory limit");

        Assert.Equal(OrchestrationRuntimeStatus.Completed, done.RuntimeStatus);
        Assert.Equal("prepare-a,prepare-b,train,publish", done.ReadOutputAs<string>());
        Assert.Equal((1, 1, 2, 1), (runs["prepare-a"], runs["prepare-b"], runs["train"], runs["publish"]));
        var history = await hub.Client.GetHistoryAsync(done.InstanceId, Ct);
        Assert.Equal([2], Assert.Single(history.OfType<ExecutionRewound>()).RewoundTaskIds);
        Assert.Empty(history.OfType<TaskFailed>());
        await Assert.ThrowsAsync<InvalidOperationException>(() => hub.Client.RewindInstanceAsync(done.InstanceId, null, Ct));
    }

    [Fact]
    public async Task RewindInstanceAsync_FailedChild_RewindsTheChildToo()
    {
        var broken = 1;
        var runs = 0;
        await using var hub = await TestHub.StartAsync(b => b
            .AddActivity<int, int>("Score", (_, x) =>
            {
                Interlocked.Increment(ref runs);
                return Volatile.Read(ref broken) == 1 && x == 2 ? throw new IOException("shard unreadable") : Task.FromResult(x * 10);
            })
            .AddOrchestrator<int, int>("Shard", (ctx, x) => ctx.CallActivityAsync<int>("Score", x))
            .AddOrchestrator<string?, int>("Label", async (ctx, _) =>
                (await Task.WhenAll(Enumerable.Range(1, 3).Select(i => ctx.CallSubOrchestratorAsync<int>("Shard", i)))).Sum()));

        var failed = await hub.RunAsync("Label", instanceId: "label-1");
        Assert.Equal(OrchestrationRuntimeStatus.Failed, failed.RuntimeStatus);

        Volatile.Write(ref broken, 0);
        var done = await RewindAndWaitAsync(hub, "label-1", null);

        Assert.Equal(60, done.ReadOutputAs<int>());
        Assert.Equal(4, runs);
    }

    /// <summary>Rewind is queued like any control message; the instance stays Failed until a worker takes it.</summary>
    private static async Task<OrchestrationMetadata> RewindAndWaitAsync(TestHub hub, string id, string? reason)
    {
        await hub.Client.RewindInstanceAsync(id, reason, Ct);
        await Eventually.TrueAsync(async () => (await hub.Client.GetHistoryAsync(id, Ct)).OfType<ExecutionRewound>().Any(),
            TimeSpan.FromSeconds(20), "the rewind to be processed");
        return await hub.WaitAsync(id);
    }

    [Fact]
    public async Task PurgeInstanceAsync_Finished_DeletesAndRunningIsRefused()
    {
        await using var hub = await TestHub.StartAsync(b => b
            .AddOrchestrator<int, int>("Echo", (_, x) => Task.FromResult(x))
            .AddOrchestrator<int, int>("Wait", async (ctx, _) => await ctx.WaitForExternalEvent<int>("never")));
        var done = await hub.RunAsync("Echo", 1);
        var other = await hub.RunAsync("Echo", 2);
        var running = await hub.Client.ScheduleNewOrchestrationInstanceAsync("Wait", 0, cancellationToken: Ct);

        Assert.True(await hub.Client.PurgeInstanceAsync(done.InstanceId, Ct));
        Assert.Null(await hub.Client.GetInstanceAsync(done.InstanceId, Ct));
        Assert.Empty(await hub.Client.GetHistoryAsync(done.InstanceId, Ct));
        await Assert.ThrowsAsync<InvalidOperationException>(() => hub.Client.PurgeInstanceAsync(running, Ct));

        Assert.Equal(1, await hub.Client.PurgeInstancesAsync(new PurgeFilter { Statuses = [OrchestrationRuntimeStatus.Completed] }, Ct));
        Assert.Null(await hub.Client.GetInstanceAsync(other.InstanceId, Ct));
        Assert.NotNull(await hub.Client.GetInstanceAsync(running, Ct));
    }
}
