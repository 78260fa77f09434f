using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using RankDistill.Durable;
using RankDistill.Durable.Client;
using RankDistill.Durable.History;
using RankDistill.Durable.Hosting;

namespace RankDistill.Bench;

/// <summary>
/// The durable task engine on its embedded SQLite hub, one process: throughput of a fan-out and
/// of a chain of no-op activities, and dispatch latency of single activities on an idle worker
/// (from the step that schedules the activity to the activity starting).
/// </summary>
internal sealed class EngineBenchmark : IBenchmark
{
    private const int FanOut = 1000;
    private const int Chain = 200;
    private const int LatencySamples = 300;

    public string Name => "engine";

    public string Description => "durable task engine: fan-out and chain throughput, dispatch latency (SQLite)";

    public async Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        var folder = Path.Combine(Path.GetTempPath(), "rankdistill-engine-bench", Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(folder);
        var starts = new ConcurrentDictionary<string, DateTimeOffset>();
        using var host = EngineBenchHost.Build(Path.Combine(folder, "hub.db"), starts);
        await host.StartAsync(cancellationToken);
        var client = host.Services.GetRequiredService<DurableTaskClient>();
        try
        {
            Console.WriteLine($"engine benchmark: SQLite WAL hub in one process, {Environment.ProcessorCount} cores; " +
                              $"worker: {EngineBenchHost.Orchestrations} orchestration steps and {EngineBenchHost.Activities} activities at once");
            await RunAsync(client, "FanOut", 100, cancellationToken); // warm-up: JIT, connection pool, file growth
            Console.WriteLine($"machine load average: {LoadAverage()} (figures below are wall-clock and shared with that load)");

            var (fanout, fanoutCpu) = await RunAsync(client, "FanOut", FanOut, cancellationToken);
            var fanoutPerSecond = FanOut / fanout.TotalSeconds;
            Console.WriteLine($"fan-out: {FanOut} no-op activities in {fanout.TotalSeconds:F2} s = {fanoutPerSecond:F0} activities/s " +
                              $"(this process used {fanoutCpu.TotalSeconds:F2} s of CPU: {FanOut / fanoutCpu.TotalSeconds:F0} activities per CPU-second)");

            var (chain, chainCpu) = await RunAsync(client, "Chain", Chain, cancellationToken);
            var chainPerSecond = Chain / chain.TotalSeconds;
            Console.WriteLine($"chain: {Chain} sequential no-op activities in {chain.TotalSeconds:F2} s = {chainPerSecond:F0} activities/s " +
                              $"(CPU {chainCpu.TotalSeconds:F2} s: {Chain / chainCpu.TotalSeconds:F0} activities per CPU-second)");

            var latencies = await MeasureLatencyAsync(client, starts, cancellationToken);
            Console.WriteLine($"dispatch latency over {LatencySamples} single activities on an idle worker: " +
                              $"p50={Percentile(latencies, 0.50):F2} ms p99={Percentile(latencies, 0.99):F2} ms max={latencies[^1]:F2} ms");
            Console.WriteLine("targets (2 cores): fan-out >= 500/s, chain >= 100/s, p99 <= 50 ms");
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"engine: fanout_per_s={fanoutPerSecond:F0} chain_per_s={chainPerSecond:F0} p99_ms={Percentile(latencies, 0.99):F1}"));
            return 0;
        }
        finally
        {
            await host.StopAsync(CancellationToken.None);
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>Wall time, and this process's CPU time (a figure other load on the machine does not inflate).</summary>
    private static async Task<(TimeSpan Wall, TimeSpan Cpu)> RunAsync(DurableTaskClient client, string name, int n, CancellationToken cancellationToken)
    {
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        var id = await client.ScheduleNewOrchestrationInstanceAsync(name, n, cancellationToken: cancellationToken);
        var done = await client.WaitForInstanceCompletionAsync(id, cancellationToken);
        clock.Stop();
        if (done.RuntimeStatus != OrchestrationRuntimeStatus.Completed || done.ReadOutputAs<int>() != n)
            throw new InvalidOperationException($"{name}({n}) ended {done.RuntimeStatus}: {done.FailureDetails}");
        return (clock.Elapsed, Process.GetCurrentProcess().TotalProcessorTime - cpu);
    }

    /// <summary>One instance per sample, each scheduling one activity; a short idle gap before
    /// each so the worker is back in its idle poll back-off.</summary>
    private static async Task<double[]> MeasureLatencyAsync(DurableTaskClient client, ConcurrentDictionary<string, DateTimeOffset> starts, CancellationToken cancellationToken)
    {
        var samples = new List<double>(LatencySamples);
        for (var i = 0; i < LatencySamples; i++)
        {
            await Task.Delay(i % 4 * 10, cancellationToken);
            var id = await client.ScheduleNewOrchestrationInstanceAsync("Single", i, cancellationToken: cancellationToken);
            await client.WaitForInstanceCompletionAsync(id, cancellationToken);
            var scheduled = (await client.GetHistoryAsync(id, cancellationToken)).OfType<TaskScheduled>().Single().Timestamp;
            samples.Add((starts[id] - scheduled).TotalMilliseconds);
        }
        samples.Sort();
        return [.. samples];
    }

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";

    private static double Percentile(double[] sorted, double p) => sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];
}

/// <summary>The benchmark's host: orchestrations of no-op activities on a SQLite hub.</summary>
internal static class EngineBenchHost
{
    public const int Orchestrations = 2;
    public const int Activities = 8;

    public static IHost Build(string database, ConcurrentDictionary<string, DateTimeOffset> starts)
    {
        var builder = new HostApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddDurableTask(b => b
            .UseSqlite(database)
            .AddActivity<int, int>("Noop", (_, x) => Task.FromResult(x))
            .AddActivity<int, int>("Stamp", (ctx, x) =>
            {
                starts[ctx.InstanceId] = DateTimeOffset.UtcNow;
                return Task.FromResult(x);
            })
            .AddOrchestrator<int, int>("FanOut", async (ctx, n) =>
                (await Task.WhenAll(Enumerable.Range(0, n).Select(i => ctx.CallActivityAsync<int>("Noop", 1)))).Sum())
            .AddOrchestrator<int, int>("Chain", async (ctx, n) =>
            {
                var total = 0;
                for (var i = 0; i < n; i++)
                    total += await ctx.CallActivityAsync<int>("Noop", 1);
                return total;
            })
            .AddOrchestrator<int, int>("Single", (ctx, x) => ctx.CallActivityAsync<int>("Stamp", x)));
        builder.Services.AddDurableTaskClient();
        builder.Services.AddDurableTaskWorker(o =>
        {
            o.MaxConcurrentOrchestrations = Orchestrations;
            o.Queues["default"] = Activities;
        });
        return builder.Build();
    }
}
