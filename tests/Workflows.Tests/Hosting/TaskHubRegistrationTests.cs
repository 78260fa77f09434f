using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using RankDistill.Testing;
using RankDistill.Workflows.Hosting;

namespace RankDistill.Workflows.Tests.Hosting;

/// <summary>The host's task hub is the one its settings name: SQLite under Data:Root by default, Azure Storage when configured.</summary>
public sealed class TaskHubRegistrationTests(AzuriteFixture azurite) : IDisposable
{
    private readonly string _data = Directory.CreateTempSubdirectory("rd-hub-").FullName;

    public void Dispose() => Directory.Delete(_data, recursive: true);

    [Fact]
    public async Task AddPipelineTaskHub_Default_KeepsInstancesInTheSqliteFileUnderDataRoot()
    {
        var id = await ScheduleAsync(new Dictionary<string, string?> { ["Data:Root"] = _data });

        Assert.True(File.Exists(Path.Combine(_data, "taskhub.db")));
        Assert.NotNull(await FindAsync(new Dictionary<string, string?> { ["Data:Root"] = _data }, id));
    }

    [Fact]
    public async Task AddPipelineTaskHub_AzureStorage_KeepsInstancesInTheStorageAccountAndWritesNoSqliteFile()
    {
        var settings = new Dictionary<string, string?>
        {
            ["Data:Root"] = _data,
            ["TaskHub:Kind"] = "AzureStorage",
            ["TaskHub:Name"] = $"hub{Guid.NewGuid():N}"[..20],
            ["TaskHub:ConnectionString"] = azurite.ConnectionString,
        };

        var id = await ScheduleAsync(settings);

        Assert.NotNull(await FindAsync(settings, id));
        Assert.False(File.Exists(Path.Combine(_data, "taskhub.db")));
        // Another data folder, same account: the instance is in Azure Storage, not in anything under Data:Root.
        var elsewhere = Directory.CreateTempSubdirectory("rd-hub-").FullName;
        try
        {
            Assert.NotNull(await FindAsync(new Dictionary<string, string?>(settings) { ["Data:Root"] = elsewhere }, id));
        }
        finally
        {
            Directory.Delete(elsewhere, recursive: true);
        }
    }

    private static ServiceProvider Services(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddPipelineTaskHub(HostSettings.Load(configuration, settings["Data:Root"]).TaskHub);
        return services.BuildServiceProvider();
    }

    private static async Task<string> ScheduleAsync(Dictionary<string, string?> settings)
    {
        await using var services = Services(settings);
        // Scheduled a day ahead: nothing runs it, the test only asks where it is kept.
        return await services.GetRequiredService<DurableTaskClient>().ScheduleNewOrchestrationInstanceAsync(
            "NotRunHere", input: null, new StartOrchestrationOptions($"hub-{Guid.NewGuid():N}", DateTimeOffset.UtcNow.AddDays(1)),
            TestContext.Current.CancellationToken);
    }

    private static async Task<OrchestrationMetadata?> FindAsync(Dictionary<string, string?> settings, string id)
    {
        await using var services = Services(settings);
        return await services.GetRequiredService<DurableTaskClient>().GetInstanceAsync(id, TestContext.Current.CancellationToken);
    }
}
