using DurableTask.Core;
using RankDistill.TaskHub.Sqlite;
using RankDistill.TaskHub.TestWorker;

// A worker process for the crash and scale-out tests. Usage:
//   dotnet RankDistill.TaskHub.TestWorker.dll --db HUB.db --hub NAME --name WORKER --journal FILE
//       [--hold-forever] [--stall-orchestration]
//     DurableTask.Core's TaskHubWorker with the Core-level tasks (CrashTasks.cs) on a SQLite file;
//   dotnet RankDistill.TaskHub.TestWorker.dll --sdk sqlite|azure [--db HUB.db] --hub NAME --name WORKER --journal FILE
//       [--hold-forever] [--stall-orchestration] [--lock-seconds N]
//     the product's hosting (AddTaskHub...AddWorkers) with the Microsoft.DurableTask tasks (SdkCrashTasks.cs); for azure
//     the connection string is in TASKHUB_TEST_AZURE_STORAGE.
// It writes "ready WORKER" to the journal once it serves, then a line per activity; it runs until killed.
var arguments = args.Select((a, i) => (a, i)).Where(x => x.a.StartsWith("--", StringComparison.Ordinal))
    .ToDictionary(x => x.a[2..], x => x.i + 1 < args.Length && !args[x.i + 1].StartsWith("--", StringComparison.Ordinal) ? args[x.i + 1] : "");
CrashWorld.Journal = arguments["journal"];
CrashWorld.WorkerName = arguments["name"];
CrashWorld.HoldForever = arguments.ContainsKey("hold-forever");
CrashWorld.StallOrchestration = arguments.ContainsKey("stall-orchestration");

if (arguments.TryGetValue("sdk", out var kind))
{
    var options = SdkWorker.Options(kind, arguments["hub"], arguments.GetValueOrDefault("db"), Environment.GetEnvironmentVariable(SdkWorker.ConnectionVariable));
    if (arguments.TryGetValue("lock-seconds", out var seconds))
        options.LockDuration = TimeSpan.FromSeconds(int.Parse(seconds, System.Globalization.CultureInfo.InvariantCulture));
    await SdkWorker.RunAsync(options);
    return;
}

await using var service = new SqliteOrchestrationService(new SqliteOrchestrationServiceOptions
{
    FilePath = arguments["db"],
    TaskHubName = arguments["hub"],
    WorkerId = CrashWorld.WorkerName,
    // Short locks so that a killed worker's work is taken over within seconds.
    ActivityLockDuration = TimeSpan.FromSeconds(3),
    OrchestrationLockDuration = TimeSpan.FromSeconds(3),
    PollInterval = TimeSpan.FromMilliseconds(100),
});
var worker = new TaskHubWorker(service);
worker.AddTaskOrchestrations(typeof(CrashFlow), typeof(FanIn));
worker.AddTaskActivities(typeof(Step), typeof(Hold));
await worker.StartAsync();
CrashWorld.Write($"ready {CrashWorld.WorkerName}");
await Task.Delay(Timeout.Infinite);
