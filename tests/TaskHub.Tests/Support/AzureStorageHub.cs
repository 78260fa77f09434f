using DurableTask.AzureStorage;
using DurableTask.Core;
using RankDistill.TaskHub.AzureStorage;
using RankDistill.Testing;

namespace RankDistill.TaskHub.Tests.Support;

/// <summary>
/// A new Azure Storage task hub on the shared Azurite: the reference provider. Short polling and visibility
/// timeouts (the defaults are tuned for cloud cost: 30 s polls, 5 min before a dead worker's work reappears).
/// </summary>
public sealed class AzureStorageHub(AzuriteFixture azurite) : HubUnderTest
{
    // Letters and digits only, starting with a letter (queue, table and container names derive from it).
    private readonly string _hubName = "t" + Guid.NewGuid().ToString("N")[..16];

    // Generous: a wait ends at the state it waits for, and at load 40-60 (a CI run beside three builds) Azurite's
    // partition-table renewals alone took more than 2 s each and three waits of 90 s ran out.
    public override TimeSpan Patience => TimeSpan.FromMinutes(4);

    // Queue messages come back when their visibility lapses: on a busy machine (load average 50-60) a fan-out of 100
    // ran 110 times while every result was delivered once.
    public override bool RunsActivitiesExactlyOnce => false;

    public override Task RewindAsync(string instanceId, string reason) =>
        ((AzureStorageOrchestrationService)Client).RewindTaskOrchestrationAsync(instanceId, reason);

    protected override IOrchestrationService CreateService(string workerId, HubTimings timings) =>
        new AzureStorageOrchestrationService(new AzureStorageOrchestrationServiceSettings
        {
            TaskHubName = _hubName,
            StorageAccountClientProvider = new StorageAccountClientProvider(azurite.ConnectionString),
            WorkerId = workerId,
            LoggerFactory = TestLoggerFactory.Instance,
            MaxQueuePollingInterval = TimeSpan.FromMilliseconds(500),
            WorkItemQueueVisibilityTimeout = timings.ActivityLock,
            ControlQueueVisibilityTimeout = timings.OrchestrationLock,
            MaxConcurrentTaskActivityWorkItems = timings.MaxConcurrentActivities,
            MaxConcurrentTaskOrchestrationWorkItems = 10,
            PartitionTableOperationTimeout = AzureStorageTaskHub.PartitionTableOperationTimeout,
            PartitionCount = 1,
            UseAppLease = false,
            ThrowExceptionOnInvalidDedupeStatus = true,
        });
}
