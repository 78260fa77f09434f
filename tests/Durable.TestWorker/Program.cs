using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using RankDistill.Durable.Backends;
using RankDistill.Durable.Hosting;
using RankDistill.Durable.Postgres;
using RankDistill.Durable.Sqlite;
using RankDistill.Durable.TestWorker;

// A worker process for the crash and scale-out tests (tests/Durable.Tests/Crash, tests/Durable.Tests/Postgres). Usage:
//   RankDistill.Durable.TestWorker --log RUN.log --id NAME
//       [--backend sqlite] --db HUB.db                        the SQLite hub (the default backend)
//       --backend postgres --connection CS [--schema NAME]     the PostgreSQL hub
//       [--queues default:2]        queues served, each with its concurrency: gpu, or gpu:1,default:4
//       [--orchestrations N]        orchestration steps at once (0: activities only; default: one per core)
//       [--lease-seconds 3] [--lock-seconds 3] [--work-ms 30]
//       [--crash-at OPERATION:N]    kill -9 itself just before the N-th commit of OPERATION
// It writes "ready NAME" to the log once started, then one line per activity execution.
var settings = Arguments.Parse(args);
var log = new ExecutionLog(settings["log"], settings["id"]);

var builder = new HostApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, Args = [] });
builder.Services.AddSingleton(log);
builder.Services.AddSingleton(new WorkDuration(TimeSpan.FromMilliseconds(int.Parse(settings.GetValueOrDefault("work-ms", "30"), CultureInfo.InvariantCulture))));
builder.Services.AddDurableTask(b => TestTasks.Register(settings.GetValueOrDefault("backend", "sqlite") == "postgres"
    ? b.UsePostgres(settings["connection"], o => o.SchemaName = settings.GetValueOrDefault("schema", "durable"))
    : b.UseSqlite(settings["db"])));
builder.Services.AddDurableTaskWorker(o =>
{
    o.WorkerId = settings["id"];
    foreach (var (queue, concurrency) in Arguments.Queues(settings.GetValueOrDefault("queues", "default:2")))
        o.Queues[queue] = concurrency;
    if (settings.TryGetValue("orchestrations", out var orchestrations))
        o.MaxConcurrentOrchestrations = int.Parse(orchestrations, CultureInfo.InvariantCulture);
    o.ActivityLeaseDuration = TimeSpan.FromSeconds(double.Parse(settings.GetValueOrDefault("lease-seconds", "3"), CultureInfo.InvariantCulture));
    o.OrchestrationLockDuration = TimeSpan.FromSeconds(double.Parse(settings.GetValueOrDefault("lock-seconds", "3"), CultureInfo.InvariantCulture));
    o.HeartbeatFlushInterval = TimeSpan.Zero;
    o.MinPollInterval = TimeSpan.FromMilliseconds(10);
    o.MaxPollInterval = TimeSpan.FromMilliseconds(200);
});
using var host = builder.Build();

if (settings.TryGetValue("crash-at", out var crashAt))
{
    var (operation, n) = (crashAt.Split(':')[0], int.Parse(crashAt.Split(':')[1], CultureInfo.InvariantCulture));
    var seen = 0;
    Action<string> crash = op =>
    {
        if (op == operation && Interlocked.Increment(ref seen) == n)
        {
            log.Write($"crash {operation} #{n}");
            Process.GetCurrentProcess().Kill(); // SIGKILL: the open transaction is never committed
        }
    };
    switch (host.Services.GetRequiredService<IDurableBackend>())
    {
        case SqliteBackend sqlite:
            sqlite.BeforeCommit = crash;
            break;
        case PostgresBackend postgres:
            postgres.BeforeCommit = crash;
            break;
    }
}

await host.StartAsync();
log.Write($"ready {settings["id"]}");
await host.WaitForShutdownAsync();
