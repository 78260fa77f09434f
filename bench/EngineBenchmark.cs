using System.Diagnostics;
using System.Globalization;
using System.Runtime;
using DurableTask.Core.History;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using RankDistill.TaskHub;

namespace RankDistill.Bench;

/// <summary>
/// The Durable Task Framework on our embedded SQLite provider, one process (DurableTask.Core's TaskHubWorker running
/// the <see cref="BenchTasks"/> through the SDK's shims, the in-process client): throughput of a fan-out and of a chain
/// of no-op activities, timed by the instance's own created and last-updated times (the client's wait polls every
/// 100 ms), and dispatch latency of single activities on an idle worker, from the TaskScheduled event the orchestration
/// step records to the activity starting.
/// </summary>
internal sealed class EngineBenchmark : IBenchmark
{
    private const int FanOutSize = 1000;
    private const int ChainLength = 200;
    private const int LatencySamples = 300;

    /// <summary>The default queue's activity slots (what the engine benchmark of our own engine ran with).</summary>
    private const int Activities = 8;

    // Targets on the 2-core machines the figures are taken on.
    private const double FanOutTarget = 200;
    private const double ChainTarget = 50;
    private const double P99Target = 100;

    public string Name => "engine";

    public string Description => "durable task engine: fan-out and chain throughput, dispatch latency (SQLite provider)";

    public async Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        // --profile: also print where the fan-out's and the chain's time went, from their histories.
        var profile = args.Contains("--profile");
        var folder = Directory.CreateTempSubdirectory("rankdistill-engine-bench-").FullName;
        var builder = new HostApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddBenchTaskHub(new TaskHubOptions { Kind = TaskHubKind.Sqlite, SqlitePath = Path.Combine(folder, "hub.db"), Name = "engine" })
            .AddWorkers(new Dictionary<string, int> { [TaskQueues.Default] = Activities });
        var host = builder.Build();
        try
        {
            await host.StartAsync(cancellationToken);
            var client = host.Services.GetRequiredService<DurableTaskClient>();
            Console.WriteLine($"engine benchmark: DurableTask.Core TaskHubWorker on the SQLite provider (WAL) in one process, {Environment.ProcessorCount} cores; " +
                              $"{Activities} activities at once");
            var starts = host.Services.GetRequiredService<ActivityStarts>();
            Console.WriteLine(await Warmup.RunAsync(async () =>
            {
                await RunAsync(client, nameof(FanOut), FanOutSize / 4, cancellationToken);
                await RunAsync(client, nameof(Chain), ChainLength / 4, cancellationToken);
                await SampleLatencyAsync(client, starts, cancellationToken);
            }, () => (JitInfo.GetCompilationTime(), Process.GetCurrentProcess().TotalProcessorTime)));
            Console.WriteLine($"machine load average: {LoadAverage()} (figures below are wall-clock and shared with that load)");

            var jit = JitInfo.GetCompilationTime();
            var (fanOut, fanOutCpu, fanOutId) = await RunAsync(client, nameof(FanOut), FanOutSize, cancellationToken);
            var fanOutPerSecond = FanOutSize / fanOut.TotalSeconds;
            Console.WriteLine($"fan-out: {FanOutSize} no-op activities in {fanOut.TotalSeconds:F2} s = {fanOutPerSecond:F0} activities/s " +
                              $"(this process used {fanOutCpu.TotalSeconds:F2} s of CPU: {FanOutSize / fanOutCpu.TotalSeconds:F0} activities per CPU-second)");

            if (profile)
                await EngineProfile.PrintAsync(client, fanOutId, cancellationToken);

            var (chain, chainCpu, chainId) = await RunAsync(client, nameof(Chain), ChainLength, cancellationToken);
            var chainPerSecond = ChainLength / chain.TotalSeconds;
            Console.WriteLine($"chain: {ChainLength} sequential no-op activities in {chain.TotalSeconds:F2} s = {chainPerSecond:F0} activities/s " +
                              $"(CPU {chainCpu.TotalSeconds:F2} s: {ChainLength / chainCpu.TotalSeconds:F0} activities per CPU-second)");
            if (profile)
                await EngineProfile.PrintAsync(client, chainId, cancellationToken);

            var latencies = await MeasureLatencyAsync(client, starts, cancellationToken);
            var p99 = Percentile(latencies, 0.99);
            Console.WriteLine($"dispatch latency over {LatencySamples} single activities on an idle worker (TaskScheduled to activity start): " +
                              $"p50={Percentile(latencies, 0.50):F2} ms p99={p99:F2} ms max={latencies[^1]:F2} ms");
            Console.WriteLine($"JIT during the measurements: {(JitInfo.GetCompilationTime() - jit).TotalMilliseconds:F0} ms");
            Console.WriteLine($"targets ({Environment.ProcessorCount} cores; set for 2): fan-out >= {FanOutTarget}/s {Verdict(fanOutPerSecond >= FanOutTarget)}, " +
                              $"chain >= {ChainTarget}/s {Verdict(chainPerSecond >= ChainTarget)}, p99 <= {P99Target} ms {Verdict(p99 <= P99Target)}");
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"engine: fanout_per_s={fanOutPerSecond:F0} chain_per_s={chainPerSecond:F0} p99_ms={p99:F1}"));
            return 0;
        }
        finally
        {
            await host.StopAsync(CancellationToken.None);
            await ((IAsyncDisposable)host).DisposeAsync(); // the task hubs dispose asynchronously only
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>
    /// One instance: its duration from its own created and last-updated (completed) times, and this process's CPU time
    /// from scheduling to the wait's return (a figure other load on the machine does not inflate).
    /// </summary>
    private static async Task<(TimeSpan Duration, TimeSpan Cpu, string InstanceId)> RunAsync(DurableTaskClient client, string orchestrator, int n, CancellationToken cancellationToken)
    {
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var id = await client.ScheduleNewOrchestrationInstanceAsync(orchestrator, n, cancellationToken);
        var done = await client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, cancellationToken);
        var used = Process.GetCurrentProcess().TotalProcessorTime - cpu;
        if (done.RuntimeStatus != OrchestrationRuntimeStatus.Completed || done.ReadOutputAs<int>() != n)
            throw new InvalidOperationException($"{orchestrator}({n}) ended {done.RuntimeStatus}: {done.FailureDetails}");
        return (done.LastUpdatedAt - done.CreatedAt, used, id);
    }

    /// <summary>
    /// One instance per sample, each scheduling one activity; a short idle gap before each so the worker is back in
    /// its idle poll back-off.
    /// </summary>
    private static async Task<double[]> MeasureLatencyAsync(DurableTaskClient client, ActivityStarts starts, CancellationToken cancellationToken)
    {
        var samples = new List<double>(LatencySamples);
        for (var i = 0; i < LatencySamples; i++)
        {
            await Task.Delay(i % 4 * 10, cancellationToken);
            samples.Add(await SampleLatencyAsync(client, starts, cancellationToken));
        }
        samples.Sort();
        return [.. samples];
    }

    /// <summary>Milliseconds from the TaskScheduled event in one instance's history to its activity starting.</summary>
    private static async Task<double> SampleLatencyAsync(DurableTaskClient client, ActivityStarts starts, CancellationToken cancellationToken)
    {
        var id = await client.ScheduleNewOrchestrationInstanceAsync(nameof(StampOnce), 1, cancellationToken);
        await client.WaitForInstanceCompletionAsync(id, cancellationToken);
        var scheduled = (await client.GetOrchestrationHistoryAsync(id, cancellationToken)).OfType<TaskScheduledEvent>().Single().Timestamp;
        return (starts[id] - scheduled.ToUniversalTime()).TotalMilliseconds;
    }

    private static string Verdict(bool met) => met ? "(met)" : "(MISSED)";

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";

    private static double Percentile(double[] sorted, double p) => sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];
}
