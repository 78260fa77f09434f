using Azure.Identity;
using DurableTask.AzureStorage;
using Microsoft.Extensions.Logging;

namespace RankDistill.TaskHub.AzureStorage;

/// <summary>
/// A task hub on DurableTask.AzureStorage: partitioned control queues for orchestrations, one work-item queue for
/// activities (<c>&lt;hub&gt;-workitems</c>, which KEDA watches to scale GPU workers), history and instances in tables,
/// large payloads in blobs. Its defaults are tuned for cost (30 s idle polling, 5 min before a dead worker's message
/// reappears); these follow <see cref="TaskHubOptions"/> instead.
/// </summary>
internal static class AzureStorageTaskHub
{
    public static readonly TimeSpan PartitionTableOperationTimeout = TimeSpan.FromSeconds(10);

    public static AzureStorageOrchestrationService Create(TaskHubOptions options, string queue, int maxActivities, string workerId, ILoggerFactory loggerFactory)
    {
        var accounts = options.ConnectionString is { } connectionString
            ? new StorageAccountClientProvider(connectionString)
            : new StorageAccountClientProvider(options.AccountName!, new DefaultAzureCredential());
        return new AzureStorageOrchestrationService(new AzureStorageOrchestrationServiceSettings
        {
            TaskHubName = TaskQueues.HubName(options.Name, queue),
            StorageAccountClientProvider = accounts,
            WorkerId = workerId,
            LoggerFactory = loggerFactory,
            PartitionCount = options.PartitionCount,
            MaxQueuePollingInterval = options.MaxPollInterval,
            WorkItemQueueVisibilityTimeout = options.LockDuration,
            ControlQueueVisibilityTimeout = options.LockDuration,
            MaxConcurrentTaskActivityWorkItems = maxActivities,
            // The 2 s default cancels a partition-table call that is slow, not hung (a busy machine, Azurite), and
            // retries it until the partition's 30 s lease lapses and its orchestrations stall; 10 s still retries a hung
            // call twice within the lease.
            PartitionTableOperationTimeout = PartitionTableOperationTimeout,
            // Otherwise a create refused by its dedupe statuses returns as if it had started the instance.
            ThrowExceptionOnInvalidDedupeStatus = true,
        });
    }
}
