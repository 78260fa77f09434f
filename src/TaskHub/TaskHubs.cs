using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using RankDistill.TaskHub.AzureStorage;
using RankDistill.TaskHub.Sqlite;

namespace RankDistill.TaskHub;

/// <summary>
/// This process's connections to the task hubs, one per queue, opened on first use and shared by its worker and its
/// clients of that queue. <paramref name="activitySlots"/> caps the activities a worker of each queue runs at once
/// (a queue not listed: one per processor).
/// </summary>
public sealed class TaskHubs(TaskHubOptions options, IReadOnlyDictionary<string, int> activitySlots, ILoggerFactory loggerFactory) : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, Lazy<TaskHubConnection>> _hubs = new(StringComparer.Ordinal);

    public TaskHubOptions Options => options;

    /// <summary>Who this process is to the providers: the owner of the locks it takes.</summary>
    public string WorkerId { get; } = $"{Environment.MachineName}-{Environment.ProcessId}";

    public TaskHubConnection this[string queue] => _hubs.GetOrAdd(queue, q => new Lazy<TaskHubConnection>(() => Open(q))).Value;

    /// <summary>Where the hubs live, for people (no secret).</summary>
    public string Description => options.Kind switch
    {
        TaskHubKind.Sqlite => $"SQLite {options.SqlitePath}, task hub {options.Name}",
        _ => $"Azure Storage {(options.AccountName ?? "(connection string)")}, task hub {options.Name}",
    };

    public async ValueTask DisposeAsync()
    {
        foreach (var hub in _hubs.Values.Where(h => h.IsValueCreated).Select(h => h.Value))
        {
            if (hub.Service is IAsyncDisposable disposable)
                await disposable.DisposeAsync();
            else if (hub.Service is IDisposable plain)
                plain.Dispose();
        }
    }

    private TaskHubConnection Open(string queue)
    {
        if (!TaskQueues.All.Contains(queue))
            throw new ArgumentException($"Unknown queue '{queue}'; the queues are {string.Join(", ", TaskQueues.All)}.", nameof(queue));
        var slots = activitySlots.TryGetValue(queue, out var n) ? n : Environment.ProcessorCount;
        var name = TaskQueues.HubName(options.Name, queue);
        switch (options.Kind)
        {
            case TaskHubKind.Sqlite:
                var sqlite = new SqliteOrchestrationService(new SqliteOrchestrationServiceOptions
                {
                    FilePath = options.SqlitePath,
                    TaskHubName = name,
                    WorkerId = WorkerId,
                    OrchestrationLockDuration = options.LockDuration,
                    ActivityLockDuration = options.LockDuration,
                    MaxConcurrentActivities = slots,
                    PollInterval = options.MaxPollInterval,
                }, loggerFactory);
                return new TaskHubConnection(queue, name, sqlite, sqlite);
            case TaskHubKind.AzureStorage:
                var azure = AzureStorageTaskHub.Create(options, queue, slots, WorkerId, loggerFactory);
                return new TaskHubConnection(queue, name, azure, azure);
            default:
                throw new NotSupportedException($"TaskHub:Kind {options.Kind} has no provider.");
        }
    }
}
