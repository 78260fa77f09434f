using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using RankDistill.Durable.Backends;
using RankDistill.Durable.Hosting;
using RankDistill.Durable.Sqlite;
using RankDistill.Durable.TestWorker;

// A worker process for the crash tests (tests/Durable.Tests/Crash). Usage:
//   RankDistill.Durable.TestWorker --db HUB.db --log RUN.log --id NAME [--lease-seconds 3] [--lock-seconds 3]
//                                   [--crash-at OPERATION:N]   kill -9 itself just before the N-th commit of OPERATION
// It writes "ready NAME" to the log once started, then one line per activity execution.
var settings = Arguments.Parse(args);
var log = new ExecutionLog(settings["log"], settings["id"]);

var builder = new HostApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, Args = [] });
builder.Services.AddSingleton(log);
builder.Services.AddDurableTask(b => TestTasks.Register(b.UseSqlite(settings["db"])));
builder.Services.AddDurableTaskWorker(o =>
{
    o.WorkerId = settings["id"];
    o.Queues["default"] = 2;
    o.ActivityLeaseDuration = TimeSpan.FromSeconds(double.Parse(settings.GetValueOrDefault("lease-seconds", "3"), System.Globalization.CultureInfo.InvariantCulture));
    o.OrchestrationLockDuration = TimeSpan.FromSeconds(double.Parse(settings.GetValueOrDefault("lock-seconds", "3"), System.Globalization.CultureInfo.InvariantCulture));
    o.HeartbeatFlushInterval = TimeSpan.Zero;
    o.MinPollInterval = TimeSpan.FromMilliseconds(10);
    o.MaxPollInterval = TimeSpan.FromMilliseconds(200);
});
using var host = builder.Build();

if (settings.TryGetValue("crash-at", out var crashAt))
{
    var (operation, n) = (crashAt.Split(':')[0], int.Parse(crashAt.Split(':')[1], System.Globalization.CultureInfo.InvariantCulture));
    var seen = 0;
    ((SqliteBackend)host.Services.GetRequiredService<IDurableBackend>()).BeforeCommit = op =>
    {
        if (op == operation && Interlocked.Increment(ref seen) == n)
        {
            log.Write($"crash {operation} #{n}");
            Process.GetCurrentProcess().Kill(); // SIGKILL: the open transaction is never committed
        }
    };
}

await host.StartAsync();
log.Write($"ready {settings["id"]}");
await host.WaitForShutdownAsync();
