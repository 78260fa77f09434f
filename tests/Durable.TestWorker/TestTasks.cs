using RankDistill.Durable.Hosting;

namespace RankDistill.Durable.TestWorker;

/// <summary>The orchestrations and activities the crash tests run.</summary>
internal static class TestTasks
{
    public static void Register(DurableTaskBuilder builder) => builder
        .AddActivity<Step>()
        .AddActivity<Long>()
        .AddActivity<Work>()
        .AddOrchestrator<int, string>("CrashChain", async (ctx, steps) =>
        {
            var one = await ctx.CallActivityAsync<string>(nameof(Step), "one");
            var two = await ctx.CallActivityAsync<string>(nameof(Long), steps);
            var three = await ctx.CallActivityAsync<string>(nameof(Step), "three");
            return $"{one}|{two}|{three}";
        })
        .AddActivity<Where>()
        .AddOrchestrator<int, int>("FanOut", async (ctx, n) =>
            (await Task.WhenAll(Enumerable.Range(0, n).Select(i => ctx.CallActivityAsync<int>(nameof(Work), i)))).Sum())
        .AddOrchestrator<int, int>("Routed", async (ctx, n) =>
        {
            // n calls to each queue; Where logs which worker ran which.
            var calls = Enumerable.Range(0, n).SelectMany(i => new[]
            {
                ctx.CallActivityAsync<int>(nameof(Where), i, new TaskOptions { Queue = "default" }),
                ctx.CallActivityAsync<int>(nameof(Where), i, new TaskOptions { Queue = "gpu" }),
            });
            return (await Task.WhenAll(calls)).Length;
        });
}

/// <summary>Logs and returns its input.</summary>
internal sealed class Step(ExecutionLog log) : TaskActivity<string, string>
{
    public override Task<string> RunAsync(TaskActivityContext context, string input)
    {
        log.Write($"Step {input} worker={log.WorkerId} dispatch={context.DispatchCount}");
        return Task.FromResult(input);
    }
}

/// <summary>A long step that heartbeats its progress every 100 ms and resumes from the last heartbeat.</summary>
internal sealed class Long(ExecutionLog log) : TaskActivity<int, string>
{
    public override async Task<string> RunAsync(TaskActivityContext context, int steps)
    {
        var from = context.HasLastHeartbeatDetails ? context.GetLastHeartbeatDetails<int>() : 0;
        log.Write($"Long start from={from} worker={log.WorkerId} dispatch={context.DispatchCount}");
        for (var i = from + 1; i <= steps; i++)
        {
            await Task.Delay(100, context.CancellationToken); // the "work" of one step
            context.Heartbeat(i);
        }
        log.Write($"Long done from={from} worker={log.WorkerId}");
        return $"resumed from {from}";
    }
}

/// <summary>Logs the queue it was taken from and the worker that took it.</summary>
internal sealed class Where(ExecutionLog log) : TaskActivity<int, int>
{
    public override Task<int> RunAsync(TaskActivityContext context, int i)
    {
        log.Write($"Where {context.Queue} {i} worker={log.WorkerId}");
        return Task.FromResult(i);
    }
}

/// <summary>A short unit of work for the multi-process tests.</summary>
internal sealed class Work(ExecutionLog log, WorkDuration duration) : TaskActivity<int, int>
{
    public override async Task<int> RunAsync(TaskActivityContext context, int i)
    {
        log.Write($"Work {i} worker={log.WorkerId} dispatch={context.DispatchCount}");
        await Task.Delay(duration.Value, context.CancellationToken); // the "work"
        return i * 2;
    }
}

/// <summary>How long one <see cref="Work"/> takes (--work-ms; 30 ms by default).</summary>
internal sealed record WorkDuration(TimeSpan Value);
