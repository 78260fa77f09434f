using System.Diagnostics;
using DurableTask.Core;
using RankDistill.TaskHub.Tests.Support;

namespace RankDistill.TaskHub.Tests.Sqlite;

/// <summary>
/// The SQLite provider's speed in one process against the project's targets (fan-out of 1,000 at 200 activities/s or
/// more, a chain of 200 at 50/s or more, p99 start-to-first-activity within 100 ms). Explicit: a measurement, not a
/// check CI should time on a loaded machine. Run after a Release build:
/// tests/TaskHub.Tests/bin/Release/net10.0/RankDistill.TaskHub.Tests -class RankDistill.TaskHub.Tests.Sqlite.SqliteThroughputTests -explicit only
/// </summary>
public sealed class SqliteThroughputTests : IAsyncLifetime
{
    private readonly SqliteHub _hub = new("bench");

    public async ValueTask InitializeAsync() => await _hub.StartWorkerAsync("bench", new HubTimings { MaxConcurrentActivities = 10 });

    public async ValueTask DisposeAsync() => await _hub.DisposeAsync();

    [Fact(Explicit = true)]
    public async Task Measure()
    {
        await RunAsync(typeof(FanOut), 50); // warm-up: JIT, connections, schema
        var cpu = CpuTime();
        var fanOut = await RunAsync(typeof(FanOut), 1000);
        var fanOutCpu = CpuTime() - cpu;
        cpu = CpuTime();
        var chain = await RunAsync(typeof(Chain), 200);
        var chainCpu = CpuTime() - cpu;
        var latencies = new List<double>();
        for (var i = 0; i < 200; i++)
            latencies.Add(await FirstActivityLatencyAsync());
        latencies.Sort();

        // CPU time tells what the provider and runtime cost even when other work shares the machine.
        Report($"fan-out 1000: {fanOut.TotalSeconds:F2} s = {1000 / fanOut.TotalSeconds:F0} activities/s (target >= 200); CPU {fanOutCpu.TotalSeconds:F2} s");
        Report($"chain 200: {chain.TotalSeconds:F2} s = {200 / chain.TotalSeconds:F0} activities/s (target >= 50); CPU {chainCpu.TotalSeconds:F2} s");
        Report($"start to first activity over {latencies.Count}: p50 {latencies[latencies.Count / 2]:F1} ms, p99 {latencies[(int)(latencies.Count * 0.99) - 1]:F1} ms, max {latencies[^1]:F1} ms (target p99 <= 100)");
    }

    private async Task<TimeSpan> RunAsync(Type orchestration, int n)
    {
        var clock = Stopwatch.StartNew();
        var instance = await _hub.StartAsync(orchestration, n);
        var state = await _hub.Client.WaitForOrchestrationAsync(instance.InstanceId, instance.ExecutionId, TimeSpan.FromMinutes(2), TestContext.Current.CancellationToken);
        Assert.Equal(OrchestrationStatus.Completed, state?.OrchestrationStatus);
        return clock.Elapsed;
    }

    private async Task<double> FirstActivityLatencyAsync()
    {
        var key = ExecutionLog.NewKey();
        var started = Stopwatch.GetTimestamp();
        var instance = await _hub.StartAsync(typeof(RecordAll), new[] { $"{key}/first" });
        await _hub.Client.WaitForOrchestrationAsync(instance.InstanceId, instance.ExecutionId, TimeSpan.FromMinutes(1), TestContext.Current.CancellationToken);
        return Stopwatch.GetElapsedTime(started, ExecutionLog.FirstAt(key)).TotalMilliseconds;
    }

    private static TimeSpan CpuTime() => Process.GetCurrentProcess().TotalProcessorTime;

    private static void Report(string line)
    {
        TestContext.Current.TestOutputHelper?.WriteLine(line);
        Console.WriteLine(line);
    }
}
