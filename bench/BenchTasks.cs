using System.Collections.Concurrent;
using Microsoft.DurableTask;
using Microsoft.Extensions.DependencyInjection;
using RankDistill.TaskHub;
using RankDistill.TaskHub.Hosting;

namespace RankDistill.Bench;

/// <summary>
/// The engine benchmarks' tasks, written as the pipeline's are (Microsoft.DurableTask orchestrator and activity classes,
/// typed calls) and run the way the host runs them: on the task hub that <see cref="AddBenchTaskHub"/> registers.
/// </summary>
internal static class BenchTasks
{
    /// <summary>The task hub of <paramref name="options"/> with every task below on the default queue; add workers where the process runs work.</summary>
    public static TaskHubBuilder AddBenchTaskHub(this IServiceCollection services, TaskHubOptions options)
    {
        services.AddSingleton<ActivityStarts>();
        return services.AddTaskHub(options).AddTasks(TaskQueues.Default, r => r
            .AddOrchestrator<FanOut>()
            .AddOrchestrator<Chain>()
            .AddOrchestrator<StampOnce>()
            .AddActivity<Noop>()
            .AddActivity<Stamp>());
    }

    public static Task<int> CallNoopAsync(this TaskOrchestrationContext context, int input) => context.CallActivityAsync<int>(nameof(Noop), input);

    public static Task<int> CallStampAsync(this TaskOrchestrationContext context, int input) => context.CallActivityAsync<int>(nameof(Stamp), input);
}

/// <summary>Input n: n no-op activities at once; returns the sum of their results (n).</summary>
internal sealed class FanOut : TaskOrchestrator<int, int>
{
    public override async Task<int> RunAsync(TaskOrchestrationContext context, int input) =>
        (await Task.WhenAll(Enumerable.Range(0, input).Select(_ => context.CallNoopAsync(1)))).Sum();
}

/// <summary>Input n: n no-op activities one after the other; returns n.</summary>
internal sealed class Chain : TaskOrchestrator<int, int>
{
    public override async Task<int> RunAsync(TaskOrchestrationContext context, int input)
    {
        var total = 0;
        for (var i = 0; i < input; i++)
            total += await context.CallNoopAsync(1);
        return total;
    }
}

/// <summary>One <see cref="Stamp"/> activity: a dispatch latency sample.</summary>
internal sealed class StampOnce : TaskOrchestrator<int, int>
{
    public override Task<int> RunAsync(TaskOrchestrationContext context, int input) => context.CallStampAsync(input);
}

/// <summary>Returns its input.</summary>
internal sealed class Noop : TaskActivity<int, int>
{
    public override Task<int> RunAsync(TaskActivityContext context, int input) => Task.FromResult(input);
}

/// <summary>Notes when it started (UTC) under its instance's id, then returns its input.</summary>
internal sealed class Stamp(ActivityStarts starts) : TaskActivity<int, int>
{
    public override Task<int> RunAsync(TaskActivityContext context, int input)
    {
        starts.Note(context.InstanceId, DateTime.UtcNow);
        return Task.FromResult(input);
    }
}

/// <summary>When each instance's <see cref="Stamp"/> activity started (UTC), by instance id.</summary>
internal sealed class ActivityStarts
{
    private readonly ConcurrentDictionary<string, DateTime> _starts = new(StringComparer.Ordinal);

    public DateTime this[string instanceId] => _starts[instanceId];

    public void Note(string instanceId, DateTime startedAt) => _starts[instanceId] = startedAt;
}
