using System.Globalization;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using RankDistill.TaskHub;
using RankDistill.Testing;

namespace RankDistill.Bench;

/// <summary>
/// Scaling the Durable Task Framework out: the fan-out of 1,000 no-op activities run by 1, 2 and 4 worker processes on
/// the Azure Storage provider (on an Azurite this benchmark starts; a fresh task hub per configuration), beside one
/// worker process on the embedded SQLite provider. This process is only the client: it schedules, waits, and reads the
/// instance's own created and last-updated (completed) times, so the wait's polling adds nothing. Each configuration
/// warms up (JIT, connections, partition leases), then runs three times; the median is reported, with where the
/// machine's CPU went during the runs.
/// </summary>
internal sealed class ScaleoutBenchmark : IBenchmark
{
    private const int FanOutSize = 1000;
    private const int Runs = 3;

    public string Name => "scaleout";

    public string Description => "durable task engine scale-out: 1,000-activity fan-out on Azure Storage (Azurite) with 1, 2, 4 worker processes vs SQLite with 1";

    public async Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        if (args is ["--worker", .. var worker])
            return await ScaleoutWorker.RunAsync(worker, cancellationToken);

        var folder = Directory.CreateTempSubdirectory("rankdistill-scaleout-").FullName;
        await using var azurite = await AzuriteServer.StartAsync(cancellationToken);
        var azuriteId = ScaleoutCpu.Child("azurite");
        try
        {
            Console.WriteLine($"scale-out benchmark: fan-out of {FanOutSize} no-op activities, {Environment.ProcessorCount} cores, load average {LoadAverage()}");
            Console.WriteLine($"each worker process: a DurableTask.Core TaskHubWorker with {ScaleoutWorker.Activities} activities at once, " +
                              $"polling every {ScaleoutWorker.MaxPollInterval.TotalMilliseconds:F0} ms at most when idle; " +
                              $"Azure Storage provider with {new TaskHubOptions().PartitionCount} partitions on Azurite " +
                              $"(blob, queue, table on 127.0.0.1:{azurite.Port}, {azurite.QueuePort}, {azurite.TablePort})");
            Console.WriteLine("Azurite is not Azure: one Node.js process on this machine serves every queue, table and blob request, " +
                              "so the azure_* figures show Azurite's ceiling on these cores, not the provider's on a storage account");
            var sqlitePath = Path.Combine(folder, "hub.db");
            var sqlite = await MeasureAsync("sqlite", 1, ["sqlite", sqlitePath, "scaleout"], null, null, cancellationToken);
            var azure = new Dictionary<int, double>();
            foreach (var workers in new[] { 1, 2, 4 })
                azure[workers] = await MeasureAsync("azure", workers, ["azure", $"scaleout{workers}"], azurite.ConnectionString, azuriteId, cancellationToken);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"azure_4 / azure_1 = {azure[4] / azure[1]:F2}, azure_1 / sqlite_1 = {azure[1] / sqlite:F2} (load average now {LoadAverage()})"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"scaleout: sqlite_1={sqlite:F0} azure_1={azure[1]:F0} azure_2={azure[2]:F0} azure_4={azure[4]:F0}"));
            return 0;
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>Starts <paramref name="workers"/> worker processes and a client on one task hub; returns the median activities/s.</summary>
    private static async Task<double> MeasureAsync(string kind, int workers, string[] hubArgs, string? connectionString, int? serverId, CancellationToken cancellationToken)
    {
        var builder = new HostApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddBenchTaskHub(ScaleoutWorker.Options(hubArgs, connectionString));
        var host = builder.Build();
        var processes = new List<WorkerProcess>();
        try
        {
            await host.StartAsync(cancellationToken);
            var client = host.Services.GetRequiredService<DurableTaskClient>();
            // Creates the hub before the workers race for it.
            await host.Services.GetRequiredService<TaskHubs>()[TaskQueues.Default].Service.CreateIfNotExistsAsync();
            processes.AddRange(await Task.WhenAll(Enumerable.Range(0, workers).Select(_ => ScaleoutWorker.StartAsync(hubArgs, connectionString, cancellationToken))));
            Console.WriteLine("  " + await Warmup.RunAsync(
                () => RunOnceAsync(client, FanOutSize / 5, cancellationToken),
                () => (Jit(processes), ScaleoutCpu.Take(processes.Select(p => p.Id), null).Workers)));
            var jit = Jit(processes);
            var before = ScaleoutCpu.Take(processes.Select(p => p.Id), serverId);
            var rates = new List<double>();
            for (var i = 0; i < Runs; i++)
                rates.Add(FanOutSize / (await RunOnceAsync(client, FanOutSize, cancellationToken)).TotalSeconds);
            var cpu = ScaleoutCpu.Take(processes.Select(p => p.Id), serverId) - before;
            jit = Jit(processes) - jit;
            rates.Sort();
            var median = rates[Runs / 2];
            var wall = cpu.MachineTotal / Environment.ProcessorCount;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{kind,-6} {workers} worker process(es): {median,6:F0} activities/s (runs: {string.Join(", ", rates.Select(r => r.ToString("F0", CultureInfo.InvariantCulture)))}); " +
                $"CPU over the runs: machine {cpu.MachineBusy / cpu.MachineTotal:P0} busy, workers {cpu.Workers / wall:F2} cores, " +
                $"Azurite {cpu.Server / wall:F2} cores; workers + Azurite CPU per activity {(cpu.Workers + cpu.Server).TotalMilliseconds / (Runs * FanOutSize):F2} ms; " +
                $"workers' JIT {jit.TotalMilliseconds:F0} ms"));
            return median;
        }
        finally
        {
            foreach (var process in processes)
                await process.DisposeAsync();
            await host.StopAsync(CancellationToken.None);
            await ((IAsyncDisposable)host).DisposeAsync(); // the task hubs dispose asynchronously only
        }
    }

    /// <summary>One fan-out; its duration from the instance's own created and last-updated (completed) times.</summary>
    private static async Task<TimeSpan> RunOnceAsync(DurableTaskClient client, int n, CancellationToken cancellationToken)
    {
        var id = await client.ScheduleNewOrchestrationInstanceAsync(nameof(FanOut), n, cancellationToken);
        var done = await client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, cancellationToken);
        if (done.RuntimeStatus != OrchestrationRuntimeStatus.Completed || done.ReadOutputAs<int>() != n)
            throw new InvalidOperationException($"FanOut({n}) ended {done.RuntimeStatus}: {done.FailureDetails}");
        return done.LastUpdatedAt - done.CreatedAt;
    }

    /// <summary>The workers' JIT time, as last reported (at most <see cref="ScaleoutWorker.ReportInterval"/> old).</summary>
    private static TimeSpan Jit(List<WorkerProcess> workers) => workers.Aggregate(TimeSpan.Zero, (sum, w) => sum + w.Jit);

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";
}
