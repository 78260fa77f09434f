using System.Text.Json.Nodes;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Microsoft.Extensions.Logging.Abstractions;
using RankDistill.TaskHub;
using RankDistill.Testing;

namespace RankDistill.Workflows.Tests.Infra;

/// <summary>
/// The queues, tables and containers main.bicep creates for the task hubs are the ones DurableTask.AzureStorage itself
/// creates for them (here on Azurite, through this repository's own <see cref="TaskHubs"/>): the same names, so the
/// scale rules watch queues the workers really use and the identity's roles cover what the provider touches.
/// </summary>
[Collection(BicepCollection.Name)]
public sealed class TaskHubStorageContractTests(CompiledMainTemplate main, AzuriteFixture azurite)
{
    [Fact]
    public async Task TemplateStorage_ForTheTaskHubs_IsWhatTheProviderCreates()
    {
        // A hub of its own, so other tests on this Azurite never show up; a partition count other than the default.
        var hub = "infra" + new string([.. Guid.NewGuid().ToString("N")[..10].Select(c => char.IsAsciiDigit(c) ? (char)('g' + c - '0') : c)]);
        const int Partitions = 3;
        var deployment = ArmDeployment.Evaluate(main.Template ?? throw new InvalidOperationException(main.Build.Output), new Dictionary<string, JsonNode?>
        {
            ["cpuImage"] = "example.azurecr.io/rankdistill:cpu",
            ["gpuImage"] = "example.azurecr.io/rankdistill:cuda",
            ["dashboardApiKey"] = new string('k', 32),
            ["taskHubName"] = hub,
            ["taskHubPartitionCount"] = Partitions,
        });
        var options = new TaskHubOptions { Kind = TaskHubKind.AzureStorage, Name = hub, ConnectionString = azurite.ConnectionString, PartitionCount = Partitions };

        await using (var hubs = new TaskHubs(options, new Dictionary<string, int>(), NullLoggerFactory.Instance))
        {
            foreach (var queue in TaskQueues.All)
                await hubs[queue].Service.CreateIfNotExistsAsync();
        }

        var ct = TestContext.Current.CancellationToken;
        var queues = new List<string>();
        await foreach (var q in new QueueServiceClient(azurite.ConnectionString).GetQueuesAsync(prefix: hub, cancellationToken: ct))
            queues.Add(q.Name);
        var tables = new List<string>();
        await foreach (var t in new TableServiceClient(azurite.ConnectionString).QueryAsync(cancellationToken: ct))
        {
            if (t.Name.StartsWith(hub, StringComparison.OrdinalIgnoreCase))
                tables.Add(t.Name);
        }
        var containers = new List<string>();
        await foreach (var c in new BlobServiceClient(azurite.ConnectionString).GetBlobContainersAsync(prefix: hub, cancellationToken: ct))
            containers.Add(c.Name);

        Assert.Equal(Names(deployment, "queueServices/queues").Order(), queues.Order());
        Assert.Equal(Names(deployment, "tableServices/tables").Order(StringComparer.OrdinalIgnoreCase), tables.Order(StringComparer.OrdinalIgnoreCase), StringComparer.OrdinalIgnoreCase);
        // The provider makes <hub>-largemessages when it first stores a payload too large for a message; the template
        // creates it up front so that the blob role can be scoped to it.
        var templateContainers = Names(deployment, "blobServices/containers").Where(c => c.StartsWith(hub, StringComparison.Ordinal)).ToList();
        Assert.Subset(templateContainers.ToHashSet(), containers.ToHashSet());
        Assert.All(templateContainers.Except(containers), c => Assert.EndsWith("-largemessages", c, StringComparison.Ordinal));
        Assert.NotEmpty(containers);
        // The GPU workers' scale rules watch queues of the gpu hub that the provider uses.
        var watched = deployment.Single("Microsoft.App/containerApps", "rankdistill-gpu-worker").Properties!["template"]!["scale"]!["rules"]!.AsArray()
            .Select(r => r!["custom"]!["metadata"]!["queueName"]!.GetValue<string>()).ToList();
        Assert.Equal(queues.Where(q => q.StartsWith(TaskQueues.HubName(hub, TaskQueues.Gpu) + "-", StringComparison.Ordinal)).Order(), watched.Order());
    }

    private static IEnumerable<string> Names(ArmDeployment deployment, string childType) =>
        deployment.OfType("Microsoft.Storage/storageAccounts/" + childType).Select(r => r.Name.Split('/')[^1]);
}
