using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using RankDistill.Durable;
using RankDistill.Durable.Client;
using RankDistill.Durable.Hosting;
using RankDistill.Testing;

namespace RankDistill.Bench;

/// <summary>
/// Scaling the durable task engine out: the fan-out of 1,000 no-op activities run by 1, 2 and 4 worker
/// processes on a PostgreSQL hub (a server this benchmark starts), beside one worker process on the
/// embedded SQLite hub. This process is only the client: it schedules, waits, and reads the instance's
/// own created and completed times (stamped by client and worker, so the wait's polling adds nothing).
/// Each configuration warms up (JIT, connection pools), then runs three times; the median is reported,
/// with where the machine's CPU went during the runs.
/// </summary>
internal sealed class ScaleoutBenchmark : IBenchmark
{
    private const int FanOut = 1000;
    private const int Runs = 3;

    public string Name => "scaleout";

    public string Description => "durable task engine scale-out: 1,000-activity fan-out on PostgreSQL with 1, 2, 4 worker processes vs SQLite with 1";

    public async Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        if (args is ["--worker", .. var worker])
            return await ScaleoutWorker.RunAsync(worker, cancellationToken);

        // --statements: also print where PostgreSQL spent its time, per statement (pg_stat_statements).
        var statements = args.Contains("--statements");
        var folder = Directory.CreateTempSubdirectory("rankdistill-scaleout-").FullName;
        await using var server = await PostgresServer.StartAsync(
            statements ? [.. PostgresServer.FastUnsafeSettings, "shared_preload_libraries=pg_stat_statements"] : null, cancellationToken);
        await server.CreateDatabaseAsync("bench", cancellationToken);
        var connection = server.ConnectionString("bench");
        try
        {
            Console.WriteLine($"scale-out benchmark: fan-out of {FanOut} no-op activities, {Environment.ProcessorCount} cores, load average {LoadAverage()}");
            Console.WriteLine($"each worker process: {ScaleoutWorker.Orchestrations} orchestration steps and {ScaleoutWorker.Activities} activities at once; " +
                              $"PostgreSQL 127.0.0.1:{server.Port} with {string.Join(", ", PostgresServer.FastUnsafeSettings)} (a benchmark server, not a durable one)");
            var sqlite = await MeasureAsync("sqlite", 1, ["sqlite", Path.Combine(folder, "hub.db")], b => b.UseSqlite(Path.Combine(folder, "hub.db")), null, cancellationToken);
            var pg = new Dictionary<int, double>();
            foreach (var workers in new[] { 1, 2, 4 })
            {
                var schema = $"bench{workers}";
                if (statements)
                    await ScaleoutStatements.ResetAsync(connection, cancellationToken);
                pg[workers] = await MeasureAsync("postgres", workers, ["postgres", connection, schema],
                    b => b.UsePostgres(connection, o => o.SchemaName = schema), server.DataFolder, cancellationToken);
                if (statements)
                    await ScaleoutStatements.PrintAsync(connection, cancellationToken);
            }
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"pg_4 / pg_1 = {pg[4] / pg[1]:F2}, pg_1 / sqlite_1 = {pg[1] / sqlite:F2} (load average now {LoadAverage()})"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"scaleout: sqlite_1={sqlite:F0} pg_1={pg[1]:F0} pg_2={pg[2]:F0} pg_4={pg[4]:F0}"));
            return 0;
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>Starts <paramref name="workers"/> worker processes and a client on one hub; returns the median activities/s.</summary>
    private static async Task<double> MeasureAsync(string kind, int workers, string[] workerArgs, Action<DurableTaskBuilder> backend, string? postgresData, CancellationToken cancellationToken)
    {
        var builder = new HostApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddDurableTask(b =>
        {
            backend(b);
            ScaleoutWorker.Register(b);
        });
        builder.Services.AddDurableTaskClient();
        using var host = builder.Build();
        await host.StartAsync(cancellationToken);
        var client = host.Services.GetRequiredService<DurableTaskClient>();
        await client.GetInstanceAsync("none", cancellationToken); // creates the hub before the workers race for it
        var processes = new List<Process>();
        try
        {
            processes.AddRange(await Task.WhenAll(Enumerable.Range(0, workers).Select(_ => ScaleoutWorker.StartAsync(workerArgs, cancellationToken))));
            await RunOnceAsync(client, FanOut / 5, cancellationToken); // warm-up
            var before = ScaleoutCpu.Take(processes.Select(p => p.Id), postgresData);
            var rates = new List<double>();
            for (var i = 0; i < Runs; i++)
                rates.Add(FanOut / (await RunOnceAsync(client, FanOut, cancellationToken)).TotalSeconds);
            var cpu = ScaleoutCpu.Take(processes.Select(p => p.Id), postgresData) - before;
            rates.Sort();
            var median = rates[Runs / 2];
            var wall = cpu.MachineTotal / Environment.ProcessorCount;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{kind,-8} {workers} worker process(es): {median,6:F0} activities/s (runs: {string.Join(", ", rates.Select(r => r.ToString("F0", CultureInfo.InvariantCulture)))}); " +
                $"CPU over the runs: machine {cpu.MachineBusy / cpu.MachineTotal:P0} busy, workers {cpu.Workers / wall:F2} cores, " +
                $"PostgreSQL {cpu.Server / wall:F2} cores; workers + PostgreSQL CPU per activity {(cpu.Workers + cpu.Server).TotalMilliseconds / (Runs * FanOut):F2} ms"));
            return median;
        }
        finally
        {
            foreach (var process in processes)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync(CancellationToken.None);
                process.Dispose();
            }
            await host.StopAsync(CancellationToken.None);
        }
    }

    /// <summary>One fan-out; its duration from the instance's own created and completed times.</summary>
    private static async Task<TimeSpan> RunOnceAsync(DurableTaskClient client, int n, CancellationToken cancellationToken)
    {
        var id = await client.ScheduleNewOrchestrationInstanceAsync("FanOut", n, cancellationToken: cancellationToken);
        var done = await client.WaitForInstanceCompletionAsync(id, cancellationToken);
        if (done.RuntimeStatus != OrchestrationRuntimeStatus.Completed || done.ReadOutputAs<int>() != n)
            throw new InvalidOperationException($"FanOut({n}) ended {done.RuntimeStatus}: {done.FailureDetails}");
        return done.CompletedAt!.Value - done.CreatedAt;
    }

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";
}
