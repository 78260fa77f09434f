using DurableTask.Core;
using DurableTask.Core.History;
using DurableTask.Core.Serializing;
using RankDistill.TaskHub.Tests.Support;
using RankDistill.Testing;

namespace RankDistill.TaskHub.Tests.Conformance;

/// <summary>
/// A worker that locks an activity and vanishes (its process died): another worker takes the activity once the lock
/// expires, and the vanished worker's late completion changes nothing.
/// </summary>
public abstract class TakeOverConformanceTests(HubUnderTest hub) : IAsyncLifetime
{
    private static readonly TimeSpan _lock = TimeSpan.FromSeconds(3);

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        await hub.DisposeAsync();
        GC.SuppressFinalize(this);
    }

    [Fact]
    public async Task ActivityOfAVanishedWorker_IsTakenByAnotherAfterItsLockExpires()
    {
        var (instance, _, lockedAt) = await LoseAnActivityAsync();

        var state = await hub.CompletedAsync(instance.InstanceId);

        Assert.Equal(["survivor"], Read<string[]>(state.Output));
        Assert.Equal(["item@survivor"], ExecutionLog.Entries(instance.InstanceId));
        Assert.True(state.CompletedTime >= lockedAt + _lock - TimeSpan.FromSeconds(1), $"completed at {state.CompletedTime:O}, lock taken at {lockedAt:O}");
    }

    [Fact]
    public async Task CompletionAfterTheLockWasLost_IsNotApplied()
    {
        var (instance, lost, _) = await LoseAnActivityAsync();
        await hub.CompletedAsync(instance.InstanceId);

        var scheduled = (TaskScheduledEvent)lost.Work.TaskMessage.Event;
        var late = new TaskMessage
        {
            OrchestrationInstance = lost.Work.TaskMessage.OrchestrationInstance,
            Event = new TaskCompletedEvent(-1, scheduled.EventId, "\"vanished\""),
        };
        try
        {
            await lost.Service.CompleteTaskActivityWorkItemAsync(lost.Work, late);
        }
        catch (Exception e) when (e is not Xunit.Sdk.XunitException)
        {
            // A provider may refuse outright; what matters is that nothing changes.
        }
        // Queued messages are handled in order: once a later instance is done, the late result has been handled too.
        await hub.CompletedAsync((await hub.StartAsync(typeof(Greeting), "barrier")).InstanceId);

        var state = await hub.GetStateAsync(instance.InstanceId);
        Assert.Equal(OrchestrationStatus.Completed, state?.OrchestrationStatus);
        Assert.Equal(["survivor"], Read<string[]>(state?.Output));
        Assert.Single((await hub.HistoryAsync(instance.InstanceId)).OfType<TaskCompletedEvent>());
    }

    /// <summary>
    /// A "vanished" service locks the activity of a new instance and is never used again (its process died); the
    /// surviving worker, which could not fetch activities until then, gets it once the lock expires.
    /// </summary>
    private async Task<(OrchestrationInstance Instance, (IOrchestrationService Service, TaskActivityWorkItem Work) Lost, DateTime LockedAt)> LoseAnActivityAsync()
    {
        var locks = new HubTimings { ActivityLock = _lock };
        var survivor = await hub.StartWorkerAsync("survivor", locks, activitiesClosed: true);
        var instanceId = HubUnderTest.NewId();
        var instance = await hub.StartAsync(typeof(RecordAll), new[] { $"{instanceId}/item" }, instanceId);
        // Started only once the survivor runs the orchestration: an Azure Storage service that starts takes part in
        // partition leasing, and must not take the instance's partition.
        await hub.WaitAsync(instanceId, s => s.OrchestrationStatus == OrchestrationStatus.Running);
        var vanished = await hub.StartServiceAsync("vanished", locks);

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        deadline.CancelAfter(hub.Patience);
        var work = await Eventually.WaitAsync(() => vanished.LockNextTaskActivityWorkItem(TimeSpan.FromSeconds(5), deadline.Token), hub.Patience, () => "the activity");
        var lockedAt = DateTime.UtcNow;
        survivor.OpenActivities();
        return (instance, (vanished, work), lockedAt);
    }

    private static T Read<T>(string? json) => JsonDataConverter.Default.Deserialize<T>(json!);
}

public sealed class SqliteTakeOverTests() : TakeOverConformanceTests(new SqliteHub());

public sealed class AzureStorageTakeOverTests(AzuriteFixture azurite) : TakeOverConformanceTests(new AzureStorageHub(azurite));
