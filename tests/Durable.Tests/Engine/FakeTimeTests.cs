using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using RankDistill.Durable.History;
using RankDistill.Durable.Tests.Support;

namespace RankDistill.Durable.Tests.Engine;

/// <summary>Retries, timers and event timeouts on a <see cref="FakeTimeProvider"/>: the test moves
/// the clock, nothing sleeps.</summary>
public sealed class FakeTimeTests
{
    private static readonly DateTimeOffset _t0 = new(2026, 3, 1, 8, 0, 0, TimeSpan.Zero);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task CallActivityAsync_RetryPolicy_WaitsWithBackoffOnDurableTimersAndCarriesHeartbeat()
    {
        var time = new FakeTimeProvider(_t0);
        var calls = 0;
        await using var hub = await TestHub.StartAsync(b => b
            .AddActivity<string?, string>("Flaky", (ctx, _) =>
            {
                var n = Interlocked.Increment(ref calls);
                var before = ctx.HasLastHeartbeatDetails ? ctx.GetLastHeartbeatDetails<int>() : 0;
                ctx.Heartbeat(n * 10);
                if (n < 3)
                    throw new IOException($"disk hiccup {n}");
                return Task.FromResult($"attempt {ctx.Attempt} resumed from {before}");
            })
            .AddOrchestrator<string?, string>("Retrying", (ctx, _) => ctx.CallActivityAsync<string>("Flaky", null,
                new TaskOptions { Retry = new RetryPolicy(5, TimeSpan.FromSeconds(10), backoffCoefficient: 2.0) })), time: time);

        var id = await hub.Client.ScheduleNewOrchestrationInstanceAsync("Retrying", null, cancellationToken: Ct);
        var first = await WaitForTimerAsync(hub, id, 1);
        Assert.Equal((_t0.AddSeconds(10), TimerCreated.RetryPurpose), (first.FireAt, first.Purpose));
        Assert.Equal(OrchestrationRuntimeStatus.Running, (await hub.Client.GetInstanceAsync(id, Ct))!.RuntimeStatus);

        time.Advance(TimeSpan.FromSeconds(10));
        var second = await WaitForTimerAsync(hub, id, 2);
        Assert.Equal(_t0.AddSeconds(10 + 20), second.FireAt);

        time.Advance(TimeSpan.FromSeconds(20));
        var done = await hub.WaitAsync(id);

        Assert.Equal("attempt 3 resumed from 20", done.ReadOutputAs<string>());
        var history = await hub.Client.GetHistoryAsync(id, Ct);
        Assert.Equal([1, 2, 3], history.OfType<TaskScheduled>().Select(t => t.Attempt));
        Assert.Equal([1, 2, 3], history.OfType<TaskStarted>().Select(t => t.Attempt));
        Assert.Equal(2, history.OfType<TaskFailed>().Count());
        Assert.Equal(2, history.OfType<TimerFired>().Count());
    }

    [Fact]
    public async Task CallActivityAsync_NonRetryableError_FailsAfterOneAttempt()
    {
        var time = new FakeTimeProvider(_t0);
        await using var hub = await TestHub.StartAsync(b => b
            .AddActivity<string?, string>("Invalid", (_, _) => throw new ArgumentException("bad manifest"))
            .AddOrchestrator<string?, string>("Strict", (ctx, _) => ctx.CallActivityAsync<string>("Invalid", null,
                new TaskOptions { Retry = new RetryPolicy(5, TimeSpan.FromSeconds(1)).DoNotRetry<ArgumentException>() })), time: time);

        var done = await hub.RunAsync("Strict");

        Assert.Equal(OrchestrationRuntimeStatus.Failed, done.RuntimeStatus);
        var failure = done.FailureDetails!;
        Assert.Equal(typeof(TaskFailedException).FullName, failure.ErrorType);
        Assert.Equal((typeof(ArgumentException).FullName, "bad manifest"), (failure.Inner!.ErrorType, failure.Inner.Message));
        Assert.NotNull(failure.Inner.StackTrace);
        var history = await hub.Client.GetHistoryAsync(done.InstanceId, Ct);
        Assert.Empty(history.OfType<TimerCreated>());
        Assert.Single(history.OfType<TaskScheduled>());
    }

    [Fact]
    public async Task CallActivityAsync_HeartbeatTimeout_CancelsASilentAttemptAndFailsIt()
    {
        var time = new FakeTimeProvider(_t0);
        var cancelled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var hub = await TestHub.StartAsync(b => b
            .AddActivity<string?, string>("Hung", async (ctx, _) =>
            {
                ctx.Heartbeat("started");
                using var registration = ctx.CancellationToken.Register(() => cancelled.TrySetResult());
                await Task.Delay(Timeout.Infinite, ctx.CancellationToken);
                return "never";
            })
            .AddOrchestrator<string?, string>("Watchdog", (ctx, _) => ctx.CallActivityAsync<string>("Hung", null,
                new TaskOptions { HeartbeatTimeout = TimeSpan.FromSeconds(10) })), time: time);

        var id = await hub.Client.ScheduleNewOrchestrationInstanceAsync("Watchdog", null, cancellationToken: Ct);
        await Eventually.TrueAsync(async () => (await hub.Client.GetPendingWorkAsync(id, Ct)).Any(w => w.HeartbeatDetails == "\"started\""),
            TimeSpan.FromSeconds(20), "the activity's first heartbeat");
        // Less than a lease renewal period: the lease holds, only the heartbeat deadline passes.
        time.Advance(TimeSpan.FromSeconds(10));
        var done = await hub.WaitAsync(id);

        await cancelled.Task.WaitAsync(TimeSpan.FromSeconds(10), Ct);
        Assert.Equal(OrchestrationRuntimeStatus.Failed, done.RuntimeStatus);
        Assert.True(done.FailureDetails!.IsCausedBy<TimeoutException>());
        Assert.Contains("did not heartbeat within 00:00:10", done.FailureDetails.Inner!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateTimer_FiresOnlyWhenItsTimeComes()
    {
        var time = new FakeTimeProvider(_t0);
        await using var hub = await TestHub.StartAsync(b => b
            .AddOrchestrator<string?, DateTime>("Sleeper", async (ctx, _) =>
            {
                await ctx.CreateTimer(TimeSpan.FromHours(6));
                return ctx.CurrentUtcDateTime;
            }), time: time);

        var id = await hub.Client.ScheduleNewOrchestrationInstanceAsync("Sleeper", null, cancellationToken: Ct);
        var timer = await WaitForTimerAsync(hub, id, 1);
        Assert.Equal(_t0.AddHours(6), timer.FireAt);
        var waiting = await hub.Client.GetPendingWorkAsync(id, Ct);
        Assert.Equal(_t0.AddHours(6), Assert.Single(waiting, w => w.Name == nameof(TimerFired)).VisibleAt);

        time.Advance(TimeSpan.FromHours(6));
        var done = await hub.WaitAsync(id);
        Assert.Equal(_t0.AddHours(6).UtcDateTime, done.ReadOutputAs<DateTime>());
    }

    [Fact]
    public async Task WaitForExternalEvent_Timeout_ThrowsTimeoutWhenTheTimerWins()
    {
        var time = new FakeTimeProvider(_t0);
        await using var hub = await TestHub.StartAsync(b => b
            .AddOrchestrator<string?, string>("Approval", async (ctx, _) =>
            {
                try
                {
                    return await ctx.WaitForExternalEvent<string>("approve", TimeSpan.FromDays(1));
                }
                catch (TimeoutException)
                {
                    return "expired";
                }
            }), time: time);

        var expired = await hub.Client.ScheduleNewOrchestrationInstanceAsync("Approval", null, cancellationToken: Ct);
        var approved = await hub.Client.ScheduleNewOrchestrationInstanceAsync("Approval", null, cancellationToken: Ct);
        await WaitForTimerAsync(hub, expired, 1);
        await WaitForTimerAsync(hub, approved, 1);

        await hub.Client.RaiseEventAsync(approved, "Approve", "yes", Ct);
        Assert.Equal("yes", (await hub.WaitAsync(approved)).ReadOutputAs<string>());
        Assert.Equal(OrchestrationRuntimeStatus.Running, (await hub.Client.GetInstanceAsync(expired, Ct))!.RuntimeStatus);

        time.Advance(TimeSpan.FromDays(1));
        Assert.Equal("expired", (await hub.WaitAsync(expired)).ReadOutputAs<string>());
        // The approved instance's timer fires later and is ignored.
        await Eventually.TrueAsync(async () => (await hub.Client.GetPendingWorkAsync(approved, Ct)).Count == 0, TimeSpan.FromSeconds(10), "the stale timer to be consumed");
        Assert.Equal("yes", (await hub.Client.GetInstanceAsync(approved, Ct))!.ReadOutputAs<string>());
    }

    [Fact]
    public async Task WaitForExternalEvent_EventBeforeWait_IsKept()
    {
        await using var hub = await TestHub.StartAsync(b => b
            .AddActivity<int, int>("Slow", async (ctx, x) =>
            {
                await Task.Yield();
                return x;
            })
            .AddOrchestrator<int, string>("Late", async (ctx, x) =>
            {
                await ctx.CallActivityAsync<int>("Slow", x);
                var a = await ctx.WaitForExternalEvent<JsonElement>("data");
                var b = await ctx.WaitForExternalEvent<JsonElement>("data");
                return $"{a}|{b}";
            }));

        var id = await hub.Client.ScheduleNewOrchestrationInstanceAsync("Late", 1, cancellationToken: Ct);
        await hub.Client.RaiseEventAsync(id, "data", new { n = 1 }, Ct);
        await hub.Client.RaiseEventAsync(id, "data", new { n = 2 }, Ct);

        Assert.Equal("{\"n\":1}|{\"n\":2}", (await hub.WaitAsync(id)).ReadOutputAs<string>());
    }

    private static async Task<TimerCreated> WaitForTimerAsync(TestHub hub, string id, int count) =>
        await Eventually.WaitAsync(async () =>
        {
            var timers = (await hub.Client.GetHistoryAsync(id, Ct)).OfType<TimerCreated>().ToList();
            return timers.Count >= count ? timers[count - 1] : null;
        }, TimeSpan.FromSeconds(20), $"timer #{count} of {id}");
}
