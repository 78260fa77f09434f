using DurableTask.Core;
using DurableTask.Core.Serializing;
using RankDistill.TaskHub.Tests.Support;
using RankDistill.Testing;

namespace RankDistill.TaskHub.Tests.Conformance;

/// <summary>Several workers on one hub: sharing work, and a long activity kept by its worker while another polls.</summary>
public abstract class ScaleOutConformanceTests(HubUnderTest hub) : IAsyncLifetime
{
    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        await hub.DisposeAsync();
        GC.SuppressFinalize(this);
    }

    [Fact]
    public async Task TwoWorkers_BothDoWork_NothingLostOrDoubled()
    {
        // Four slots a worker, and an item ends only once the other worker has recorded one: neither can do all 100 alone.
        var small = new HubTimings { MaxConcurrentActivities = 4 };
        await hub.StartWorkerAsync("w1", small);
        await hub.StartWorkerAsync("w2", small);
        var key = ExecutionLog.NewKey();
        var instances = new List<OrchestrationInstance>();
        for (var batch = 0; batch < 4; batch++)
            instances.Add(await hub.StartAsync(typeof(RecordAll), Enumerable.Range(0, 25).Select(i => $"{key}/{batch}-{i}/shared").ToArray()));

        var outputs = new List<string>();
        foreach (var instance in instances)
            outputs.AddRange(Read<string[]>((await hub.CompletedAsync(instance.InstanceId)).Output));

        var runs = ExecutionLog.Entries(key);
        Assert.Equal(100, outputs.Count);
        Assert.Equal(100, runs.Select(r => r.Split('@')[0]).Distinct().Count());
        if (hub.RunsActivitiesExactlyOnce)
            Assert.Equal(100, runs.Count);
        Assert.Contains("w1", outputs);
        Assert.Contains("w2", outputs);
    }

    [Fact]
    public async Task ActivityLongerThanItsLock_StaysWithItsWorker_WhileAnotherPolls()
    {
        // Core renews an activity's lock every 5 s when it is this short; 8 s leaves 3 s to spare on a busy machine.
        var locks = new HubTimings { ActivityLock = TimeSpan.FromSeconds(8) };
        await hub.StartWorkerAsync("w1", locks);
        await hub.StartWorkerAsync("w2", locks);
        var key = ExecutionLog.NewKey();

        var instance = await hub.StartAsync(typeof(RecordAll), new[] { $"{key}/long/11000" });

        var state = await hub.CompletedAsync(instance.InstanceId);
        var runs = ExecutionLog.Entries(key);
        Assert.Single(runs);
        Assert.Equal($"long@{Read<string[]>(state.Output).Single()}", runs[0]);
    }

    private static T Read<T>(string? json) => JsonDataConverter.Default.Deserialize<T>(json!);
}

public sealed class SqliteScaleOutTests() : ScaleOutConformanceTests(new SqliteHub());

public sealed class AzureStorageScaleOutTests(AzuriteFixture azurite) : ScaleOutConformanceTests(new AzureStorageHub(azurite));
