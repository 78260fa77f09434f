using Microsoft.DurableTask.Client;
using RankDistill.TaskHub.Tests.Support;
using RankDistill.Testing;

namespace RankDistill.TaskHub.Tests.Client;

/// <summary>Many instances through the product's <see cref="DurableTaskClient"/>: query with filters and pages, purge.</summary>
public abstract class ClientQueryTests(HostedTaskHub hub) : IAsyncLifetime
{
    public async ValueTask InitializeAsync() => await hub.StartWorkerAsync("cpu", HostedTaskHub.DefaultQueue);

    public async ValueTask DisposeAsync()
    {
        await hub.DisposeAsync();
        GC.SuppressFinalize(this);
    }

    [Fact]
    public async Task Query_FiltersByStatusPrefixAndCreatedTime_PagesThroughEverything()
    {
        var prefix = $"q{Guid.NewGuid():N}"[..12];
        var before = DateTimeOffset.UtcNow.AddSeconds(-1);
        var done = await ScheduleAllAsync(nameof(Welcome), $"{prefix}-done", 5);
        var open = await ScheduleAllAsync(nameof(AwaitApproval), $"{prefix}-open", 2);
        var other = await hub.ScheduleAsync(nameof(Welcome), "not matched", HostedTaskHub.NewId("other"));
        foreach (var id in done.Append(other))
            await hub.CompletedAsync(id);
        foreach (var id in open)
            await hub.WaitAsync(id, s => s.SerializedCustomStatus == "\"waiting\"");
        var after = DateTimeOffset.UtcNow.AddSeconds(1);

        Assert.Equal(done, await IdsAsync(new(InstanceIdPrefix: prefix, Statuses: [OrchestrationRuntimeStatus.Completed], PageSize: 2)));
        Assert.Equal(open, await IdsAsync(new(InstanceIdPrefix: prefix, Statuses: [OrchestrationRuntimeStatus.Running], PageSize: 2)));
        Assert.Equal(done.Concat(open).Order(StringComparer.Ordinal), await IdsAsync(new(CreatedFrom: before, CreatedTo: after, InstanceIdPrefix: prefix, PageSize: 3)));
        Assert.Empty(await IdsAsync(new(CreatedFrom: after, InstanceIdPrefix: prefix)));
        Assert.Empty(await IdsAsync(new(CreatedTo: before, InstanceIdPrefix: prefix)));
        Assert.Equal(done.Concat(open).Append(other).Order(StringComparer.Ordinal), await IdsAsync(new(PageSize: 4)));

        var pages = await hub.Client.GetAllInstancesAsync(new(InstanceIdPrefix: prefix)).AsPages(pageSizeHint: 3).ToListAsync(TestContext.Current.CancellationToken);
        Assert.All(pages, p => Assert.True(p.Values.Count <= 3, $"a page of {p.Values.Count} for a page size of 3"));
        Assert.True(pages.Count >= 3, $"{pages.Count} pages of up to 3 for 7 instances");
        Assert.Equal(done.Concat(open).Order(StringComparer.Ordinal), pages.SelectMany(p => p.Values).Select(s => s.InstanceId).Order(StringComparer.Ordinal));

        var withData = await AllAsync(new(InstanceIdPrefix: $"{prefix}-done", FetchInputsAndOutputs: true));
        Assert.Equal(done.Select((_, i) => $"HELLO, {prefix.ToUpperInvariant()}-DONE-{i}!").Order(StringComparer.Ordinal),
            withData.Select(s => s.ReadOutputAs<string>()).Order(StringComparer.Ordinal));
        var bare = await AllAsync(new(InstanceIdPrefix: $"{prefix}-done", FetchInputsAndOutputs: false));
        Assert.Equal(5, bare.Count);
        Assert.All(bare, s => Assert.True(s.SerializedInput is null && s.SerializedOutput is null, $"{s.InstanceId}: input {s.SerializedInput}, output {s.SerializedOutput}"));
    }

    [Fact]
    public async Task Purge_OneInstance_DeletesItsStateAndHistory()
    {
        var id = await hub.ScheduleAsync(nameof(Welcome), "purged");
        var kept = await hub.ScheduleAsync(nameof(Welcome), "kept");
        await hub.CompletedAsync(id);
        await hub.CompletedAsync(kept);

        var purged = await hub.Client.PurgeInstanceAsync(id, TestContext.Current.CancellationToken);

        Assert.Equal(1, purged.PurgedInstanceCount);
        Assert.Null(await hub.Client.GetInstancesAsync(id, TestContext.Current.CancellationToken));
        await Assert.ThrowsAsync<ArgumentException>(() => hub.Client.GetOrchestrationHistoryAsync(id, TestContext.Current.CancellationToken));
        Assert.Equal(0, (await hub.Client.PurgeInstanceAsync(id, TestContext.Current.CancellationToken)).PurgedInstanceCount);
        Assert.NotEmpty(await hub.Client.GetOrchestrationHistoryAsync(kept, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Purge_ByFilter_DeletesTheFinishedInstancesItMatches()
    {
        var before = DateTimeOffset.UtcNow.AddSeconds(-1);
        var done = await ScheduleAllAsync(nameof(Welcome), HostedTaskHub.NewId("done"), 3);
        var failed = await hub.ScheduleAsync(nameof(Throws), "failed");
        var open = await hub.ScheduleAsync(nameof(AwaitApproval), "open");
        foreach (var id in done)
            await hub.CompletedAsync(id);
        await hub.WaitAsync(failed);
        await hub.WaitAsync(open, s => s.SerializedCustomStatus == "\"waiting\"");

        var purged = await hub.Client.PurgeAllInstancesAsync(
            new PurgeInstancesFilter(before, DateTimeOffset.UtcNow.AddSeconds(1), [OrchestrationRuntimeStatus.Completed]), TestContext.Current.CancellationToken);

        Assert.Equal(3, purged.PurgedInstanceCount);
        foreach (var id in done)
            Assert.Null(await hub.Client.GetInstancesAsync(id, TestContext.Current.CancellationToken));
        Assert.Equal(OrchestrationRuntimeStatus.Failed, (await hub.Client.GetInstancesAsync(failed, TestContext.Current.CancellationToken))?.RuntimeStatus);
        Assert.Equal(OrchestrationRuntimeStatus.Running, (await hub.Client.GetInstancesAsync(open, TestContext.Current.CancellationToken))?.RuntimeStatus);
    }

    /// <summary>Schedules <paramref name="count"/> instances PREFIX-0, PREFIX-1, …; returns their ids in ordinal order.</summary>
    private async Task<List<string>> ScheduleAllAsync(string orchestrator, string prefix, int count)
    {
        var ids = new List<string>();
        for (var i = 0; i < count; i++)
            ids.Add(await hub.ScheduleAsync(orchestrator, $"{prefix}-{i}", $"{prefix}-{i}"));
        return [.. ids.Order(StringComparer.Ordinal)];
    }

    private async Task<List<OrchestrationMetadata>> AllAsync(OrchestrationQuery query) =>
        await hub.Client.GetAllInstancesAsync(query).ToListAsync(TestContext.Current.CancellationToken);

    private async Task<List<string>> IdsAsync(OrchestrationQuery query) =>
        [.. (await AllAsync(query)).Select(s => s.InstanceId).Order(StringComparer.Ordinal)];
}

public sealed class SqliteClientQueryTests() : ClientQueryTests(new SqliteHostedTaskHub());

public sealed class AzureStorageClientQueryTests(AzuriteFixture azurite) : ClientQueryTests(new AzureStorageHostedTaskHub(azurite));
