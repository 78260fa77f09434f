using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using RankDistill.TaskHub.Hosting;

namespace RankDistill.TaskHub.TestWorker;

/// <summary>
/// A worker process as the product runs one: a host with <c>AddTaskHub(options).AddTasks(...).AddWorkers(...)</c>
/// serving the default queue with <see cref="SdkCrashTasks"/>, on a SQLite file or an Azure Storage task hub.
/// </summary>
public static class SdkWorker
{
    /// <summary>Where a glue worker reads the Azure Storage connection string (a secret stays off the command line).</summary>
    public const string ConnectionVariable = "TASKHUB_TEST_AZURE_STORAGE";

    /// <summary>Activities one worker process runs at once.</summary>
    public const int Slots = 2;

    /// <summary>
    /// The task hub settings of the processes on a test hub, with the product's 2-minute lock: a lock that expires under
    /// a live worker on a busy machine delivers its work twice. A process the test will kill is started with
    /// <c>--lock-seconds 10</c> (Core then renews a running activity's lock every 5 s), so that its work is free again
    /// 10 s after it died (Azure Storage: its orchestrations also wait for its partition lease, 30 s, to expire).
    /// </summary>
    public static TaskHubOptions Options(string kind, string hub, string? sqlitePath, string? connectionString) => new()
    {
        Kind = kind switch
        {
            "sqlite" => TaskHubKind.Sqlite,
            "azure" => TaskHubKind.AzureStorage,
            _ => throw new ArgumentException($"expected sqlite or azure, not '{kind}'", nameof(kind)),
        },
        Name = hub,
        SqlitePath = sqlitePath ?? "",
        ConnectionString = connectionString,
        PartitionCount = 1,
        MaxPollInterval = TimeSpan.FromMilliseconds(100),
    };

    /// <summary>Serves until killed; writes "ready NAME" to the journal once its worker polls the hub.</summary>
    public static async Task RunAsync(TaskHubOptions options)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddTaskHub(options)
            .AddTasks(TaskQueues.Default, r => SdkCrashTasks.Register(r))
            .AddWorkers(new Dictionary<string, int> { [TaskQueues.Default] = Slots });
        using var host = builder.Build();
        await host.StartAsync();
        // A worker's ExecuteAsync creates its hubs and starts DurableTask.Core's TaskHubWorker: once it returns, it polls.
        foreach (var worker in host.Services.GetServices<IHostedService>().OfType<BackgroundService>())
            await worker.ExecuteTask!;
        CrashWorld.Write($"ready {CrashWorld.WorkerName}");
        await Task.Delay(Timeout.Infinite);
    }
}
