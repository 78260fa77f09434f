using DurableTask.Core;
using DurableTask.Core.History;
using DurableTask.Core.Query;
using Newtonsoft.Json.Linq;
using RankDistill.TaskHub.Tests.Support;
using RankDistill.Testing;

namespace RankDistill.TaskHub.Tests.Conformance;

/// <summary>Reading and deleting instances: queries with filters and pages, purges, the history's JSON.</summary>
public abstract class QueryConformanceTests(HubUnderTest hub) : IAsyncLifetime
{
    private static readonly OrchestrationStatus[] _active = [OrchestrationStatus.Pending, OrchestrationStatus.Running, OrchestrationStatus.Suspended];

    public async ValueTask InitializeAsync() => await hub.StartWorkerAsync();

    public async ValueTask DisposeAsync()
    {
        await hub.DisposeAsync();
        GC.SuppressFinalize(this);
    }

    [Fact]
    public async Task Query_FiltersByStatusTimePrefix_PagesThroughEverything()
    {
        var prefix = $"q{Guid.NewGuid():N}"[..12];
        var before = DateTime.UtcNow.AddSeconds(-1);
        var completed = await StartAllAsync(prefix, "done", 5, typeof(Greeting));
        var running = await StartAllAsync(prefix, "open", 2, typeof(Approval));
        var other = await hub.StartAsync(typeof(Greeting), "not matched", HubUnderTest.NewId("other"));
        foreach (var id in completed.Append(other.InstanceId))
            await hub.CompletedAsync(id);
        foreach (var id in running)
            await hub.WaitAsync(id, s => s.Status == "\"waiting\"");
        var after = DateTime.UtcNow.AddSeconds(1);

        Assert.Equal(completed.Order(), await QueryIdsAsync(new() { InstanceIdPrefix = prefix, RuntimeStatus = [OrchestrationStatus.Completed], PageSize = 2 }));
        Assert.Equal(running.Order(), await QueryIdsAsync(new() { InstanceIdPrefix = prefix, RuntimeStatus = [OrchestrationStatus.Running], PageSize = 2 }));
        Assert.Equal(completed.Concat(running).Order(), await QueryIdsAsync(new() { InstanceIdPrefix = prefix, CreatedTimeFrom = before, CreatedTimeTo = after, PageSize = 3 }));
        Assert.Empty(await QueryIdsAsync(new() { InstanceIdPrefix = prefix, CreatedTimeFrom = after, PageSize = 3 }));

        var withOutputs = await QueryAllAsync(new() { InstanceIdPrefix = $"{prefix}-done", FetchInputsAndOutputs = true, PageSize = 10 });
        Assert.All(withOutputs, s => Assert.StartsWith("\"Hello, ", s.Output, StringComparison.Ordinal));
        // Without inputs and outputs: Azure Storage still returns outputs, so only the input is sure to be left out.
        var withoutInputs = await QueryAllAsync(new() { InstanceIdPrefix = $"{prefix}-done", FetchInputsAndOutputs = false, PageSize = 10 });
        Assert.All(withoutInputs, s => Assert.Null(s.Input));
        Assert.Equal(5, withoutInputs.Count);
    }

    [Fact]
    public async Task PurgeInstance_DeletesStateAndHistory()
    {
        var instance = await hub.StartAsync(typeof(Greeting), "purged");
        await hub.CompletedAsync(instance.InstanceId);
        var purge = (IOrchestrationServicePurgeClient)hub.Client;

        Assert.Equal(1, (await purge.PurgeInstanceStateAsync(instance.InstanceId)).DeletedInstanceCount);

        Assert.Null(await hub.GetStateAsync(instance.InstanceId));
        Assert.Empty(JArray.Parse(await hub.Client.GetOrchestrationHistoryAsync(instance.InstanceId, instance.ExecutionId)));
        Assert.Equal(0, (await purge.PurgeInstanceStateAsync(instance.InstanceId)).DeletedInstanceCount);
    }

    [Fact]
    public async Task PurgeByFilter_DeletesTheFinishedInstancesItMatches()
    {
        var prefix = $"p{Guid.NewGuid():N}"[..12];
        var before = DateTime.UtcNow.AddSeconds(-1);
        var completed = await StartAllAsync(prefix, "done", 3, typeof(Greeting));
        var running = (await StartAllAsync(prefix, "open", 1, typeof(Approval))).Single();
        foreach (var id in completed)
            await hub.CompletedAsync(id);
        await hub.WaitAsync(running, s => s.Status == "\"waiting\"");
        var purge = (IOrchestrationServicePurgeClient)hub.Client;

        var result = await purge.PurgeInstanceStateAsync(new PurgeInstanceFilter(before, DateTime.UtcNow.AddSeconds(1), [OrchestrationStatus.Completed]));

        Assert.Equal(3, result.DeletedInstanceCount);
        foreach (var id in completed)
            Assert.Null(await hub.GetStateAsync(id));
        Assert.Equal(OrchestrationStatus.Running, (await hub.GetStateAsync(running))?.OrchestrationStatus);
    }

    [Fact]
    public async Task History_IsAJsonArrayOfEventsTypedByEventType()
    {
        var instance = await hub.StartAsync(typeof(Greeting), "history");
        await hub.CompletedAsync(instance.InstanceId);

        var json = JArray.Parse(await hub.Client.GetOrchestrationHistoryAsync(instance.InstanceId, instance.ExecutionId));
        var history = await hub.HistoryAsync(instance.InstanceId);

        Assert.All(json, e => Assert.NotNull(e["EventType"]));
        Assert.Equal(json.Count, history.Count);
        var started = history.OfType<ExecutionStartedEvent>().Single();
        Assert.Equal(NameVersionHelper.GetDefaultName(typeof(Greeting)), started.Name);
        Assert.Equal(instance.InstanceId, started.OrchestrationInstance.InstanceId);
        Assert.Equal("\"history\"", started.Input);
        Assert.Equal(NameVersionHelper.GetDefaultName(typeof(SayHello)), history.OfType<TaskScheduledEvent>().Single().Name);
        Assert.Equal("\"Hello, history!\"", history.OfType<TaskCompletedEvent>().Single().Result);
        var completed = history.OfType<ExecutionCompletedEvent>().Single();
        Assert.Equal(OrchestrationStatus.Completed, completed.OrchestrationStatus);
        Assert.Equal("\"Hello, history!\"", completed.Result);
        Assert.True(history.IndexOf(started) < history.IndexOf(completed));
    }

    private async Task<List<string>> StartAllAsync(string prefix, string kind, int count, Type orchestration)
    {
        var ids = new List<string>();
        for (var i = 0; i < count; i++)
            ids.Add((await hub.StartAsync(orchestration, $"{kind} {i}", $"{prefix}-{kind}-{i}", _active)).InstanceId);
        return ids;
    }

    private async Task<List<string>> QueryIdsAsync(OrchestrationQuery query) =>
        [.. (await QueryAllAsync(query)).Select(s => s.OrchestrationInstance.InstanceId).Order()];

    /// <summary>Every page, following continuation tokens.</summary>
    private async Task<List<OrchestrationState>> QueryAllAsync(OrchestrationQuery query)
    {
        var client = (IOrchestrationServiceQueryClient)hub.Client;
        var all = new List<OrchestrationState>();
        for (var page = 0; page < 100; page++)
        {
            var result = await client.GetOrchestrationWithQueryAsync(query, TestContext.Current.CancellationToken);
            Assert.True(result.OrchestrationState.Count <= query.PageSize, $"a page of {result.OrchestrationState.Count} for page size {query.PageSize}");
            all.AddRange(result.OrchestrationState);
            if (result.ContinuationToken is null)
                return all;
            query.ContinuationToken = result.ContinuationToken;
        }
        throw new InvalidOperationException("more than 100 pages");
    }
}

public sealed class SqliteQueryTests() : QueryConformanceTests(new SqliteHub());

public sealed class AzureStorageQueryTests(AzuriteFixture azurite) : QueryConformanceTests(new AzureStorageHub(azurite));
