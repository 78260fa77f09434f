using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using RankDistill.TaskHub;
using RankDistill.Workflows.Dashboard;
using RankDistill.Workflows.Hosting;

namespace RankDistill.Workflows.Tests.Infra;

/// <summary>
/// What main.bicep deploys, evaluated (<see cref="ArmDeployment"/>) with only the required parameters unless a test says
/// otherwise: no PostgreSQL; the task hubs in the storage account, with the identity's queue and table roles on the
/// account and its blob role on each container it uses; the apps' TaskHub settings as the host reads them; and GPU
/// workers that KEDA scales on the gpu task hub's queues, as the identity.
/// </summary>
[Collection(BicepCollection.Name)]
public sealed class DeploymentContractTests(CompiledMainTemplate main)
{
    private const string ContainerApps = "Microsoft.App/containerApps";
    private const string RoleAssignments = "Microsoft.Authorization/roleAssignments";
    private const string StorageAccounts = "Microsoft.Storage/storageAccounts";
    private const string Identities = "Microsoft.ManagedIdentity/userAssignedIdentities";
    private const string Queues = "Microsoft.Storage/storageAccounts/queueServices/queues";
    private const string Tables = "Microsoft.Storage/storageAccounts/tableServices/tables";
    private const string BlobContainers = "Microsoft.Storage/storageAccounts/blobServices/containers";

    // Built-in role definition ids (the same in every tenant).
    private const string BlobDataContributor = "ba92f5b4-2d11-453d-a403-e96b0029c9fe";
    private const string BlobDataReader = "2a2b9908-6ea1-4ae2-8e65-a410df84e7d1";
    private const string QueueDataContributor = "974c5e8b-45b9-4653-ba55-5f855dd0fb88";
    private const string TableDataContributor = "0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3";
    private const string AcrPull = "7f951dda-4ed3-4680-a7ca-43fe172d538d";

    private const string ServeApp = "rankdistill-serve";
    private const string GpuWorkerApp = "rankdistill-gpu-worker";
    private const string Operator = "11111111-2222-3333-4444-555555555555";

    private static readonly string[] _artifactContainers = ["clicklogs", "labels", "models", "runs"];

    [Fact]
    public void Deployment_HasNoPostgreSql()
    {
        var deployment = Deploy();

        Assert.DoesNotContain(deployment.Resources, r => r.Type.StartsWith("Microsoft.DBforPostgreSQL", StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotContain("postgres", main.Template!.ToJsonString(), StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(main.Parameters, p => p.Key.Contains("postgres", StringComparison.OrdinalIgnoreCase)
            || p.Key is "operatorIpAddress" or "gpuQueueDepthQuery");
    }

    [Theory]
    [InlineData(ServeApp, new[] { "serve" })]
    [InlineData(GpuWorkerApp, new[] { "worker", "--queues", TaskQueues.Gpu })]
    public void App_Environment_IsTheAzureStorageTaskHubTheHostReads(string appName, string[] args)
    {
        var deployment = Deploy();
        var container = Container(deployment, appName);
        var environment = PlainEnvironment(container);

        var settings = HostSettings.Load(HostConfigurationFrom(environment), Path.GetTempPath());

        Assert.Equal(args, container["args"]!.AsArray().Select(a => a!.GetValue<string>()));
        Assert.Equal(TaskHubKind.AzureStorage, settings.TaskHub.Kind);
        Assert.Equal(StorageAccount(deployment).Name, settings.TaskHub.AccountName);
        Assert.Null(settings.TaskHub.ConnectionString);
        Assert.Equal(("rankdistill", 4), (settings.TaskHub.Name, settings.TaskHub.PartitionCount));
        // Every TaskHub__ variable names a setting the host reads (a misspelt one would be ignored silently).
        var read = TaskHubSettings.Describe(settings.TaskHub).Select(s => s.Key.Replace(":", "__", StringComparison.Ordinal)).ToHashSet();
        Assert.All(environment.Keys.Where(k => k.StartsWith("TaskHub__", StringComparison.Ordinal)), key => Assert.Contains(key, read));
    }

    [Fact]
    public void ServeApp_Dashboard_ListensWhereTheIngressSendsRequiresItsKey()
    {
        var deployment = Deploy();
        var container = Container(deployment, ServeApp);
        var environment = PlainEnvironment(container);
        var port = App(deployment, ServeApp).Properties!["configuration"]!["ingress"]!["targetPort"]!.GetValue<int>();
        // The key is a secret reference: present at run time, with a value of the right shape here.
        var configuration = new ConfigurationBuilder().AddConfiguration(HostConfigurationFrom(environment))
            .AddInMemoryCollection(SecretEnvironment(container).Select(k => new KeyValuePair<string, string?>(k.Replace("__", ":", StringComparison.Ordinal), new string('k', 32))))
            .Build();

        var dashboard = DashboardOptions.Read(configuration);

        // The host reads Dashboard:Urls only (it clears ASPNETCORE_* and every other source): the ingress port must be there.
        Assert.Contains(dashboard.Urls, u => BindingAddress.Parse(u).Port == port && !BindingAddresses.IsLoopback(u));
        Assert.True(dashboard.RequiresApiKey);
        Assert.DoesNotContain(environment.Keys, k => k.StartsWith("ASPNETCORE_", StringComparison.Ordinal));
    }

    [Fact]
    public void App_Environment_FollowsTheTaskHubParameters()
    {
        var deployment = Deploy(("taskHubName", "team7"), ("taskHubPartitionCount", 2));

        var settings = HostSettings.Load(HostConfigurationFrom(PlainEnvironment(Container(deployment, GpuWorkerApp))), Path.GetTempPath());

        Assert.Equal(("team7", 2), (settings.TaskHub.Name, settings.TaskHub.PartitionCount));
    }

    [Fact]
    public void Apps_KeepOnlyTheDashboardKeyAsASecret()
    {
        var deployment = Deploy();

        var serve = App(deployment, ServeApp).Properties!["configuration"]!;
        var secret = Assert.Single(serve["secrets"]!.AsArray());
        Assert.Equal(("dashboard-api-key", new string('k', 32)), (secret!["name"]!.GetValue<string>(), secret["value"]!.GetValue<string>()));
        Assert.Equal(["Dashboard__ApiKey"], SecretEnvironment(Container(deployment, ServeApp)));
        Assert.Null(App(deployment, GpuWorkerApp).Properties!["configuration"]!["secrets"]);
        Assert.Empty(SecretEnvironment(Container(deployment, GpuWorkerApp)));
    }

    [Fact]
    public void GpuWorker_ScalesOnTheGpuHubsWorkItemQueue_AsTheAppsIdentity()
    {
        var deployment = Deploy();
        var worker = App(deployment, GpuWorkerApp);
        var scale = worker.Properties!["template"]!["scale"]!;

        var rule = Assert.Single(Rules(scale), r => QueueOf(r) == TaskQueues.HubName("rankdistill", TaskQueues.Gpu) + "-workitems");

        Assert.Equal(("gpu-work-items", "azure-queue"), (rule["name"]!.GetValue<string>(), rule["custom"]!["type"]!.GetValue<string>()));
        var metadata = rule["custom"]!["metadata"]!;
        Assert.Equal(StorageAccount(deployment).Name, metadata["accountName"]!.GetValue<string>());
        // One replica per queued or running training step; a running step's message is invisible, so count those too.
        Assert.Equal(("1", "all"), (metadata["queueLength"]!.GetValue<string>(), metadata["queueLengthStrategy"]!.GetValue<string>()));
        Assert.Equal(AppIdentity(worker), rule["custom"]!["identity"]!.GetValue<string>());
        Assert.Null(rule["custom"]!["auth"]);
        Assert.Equal((0L, 2L), (ArmDeployment.Number(scale["minReplicas"]), ArmDeployment.Number(scale["maxReplicas"])));
        Assert.True(ArmDeployment.Number(scale["cooldownPeriod"]) >= 300, "a replica must outlive the gap between two GPU steps");
    }

    [Fact]
    public void GpuWorker_WakesOnEachOfTheGpuHubsControlQueues()
    {
        // A GPU step starts as an orchestration message in a control queue of the gpu hub; only a GPU worker turns it
        // into a work item, so at zero replicas the work-item queue alone would never wake one.
        foreach (var partitions in new[] { 4, 2 })
        {
            var deployment = Deploy(("taskHubPartitionCount", partitions));
            var worker = App(deployment, GpuWorkerApp);

            var rules = Rules(worker.Properties!["template"]!["scale"]!).Where(r => QueueOf(r).Contains("-control-", StringComparison.Ordinal)).ToList();

            Assert.Equal(Enumerable.Range(0, partitions).Select(i => $"rankdistillgpu-control-{i:00}"), rules.Select(QueueOf));
            Assert.All(rules, r => Assert.Equal(
                ("azure-queue", StorageAccount(deployment).Name, "all", AppIdentity(worker)),
                (r["custom"]!["type"]!.GetValue<string>(), r["custom"]!["metadata"]!["accountName"]!.GetValue<string>(),
                    r["custom"]!["metadata"]!["queueLengthStrategy"]!.GetValue<string>(), r["custom"]!["identity"]!.GetValue<string>())));
        }
    }

    [Fact]
    public void GpuWorker_ScaleRules_WatchOnlyQueuesOfTheGpuHubThatTheDeploymentCreates()
    {
        var deployment = Deploy();
        var account = StorageAccount(deployment).Name;
        var queues = deployment.OfType(Queues).Select(q => q.Name).ToHashSet();

        var watched = Rules(App(deployment, GpuWorkerApp).Properties!["template"]!["scale"]!).Select(QueueOf).ToList();

        Assert.Equal(5, watched.Count);
        Assert.All(watched, q => Assert.StartsWith("rankdistillgpu-", q, StringComparison.Ordinal));
        Assert.All(watched, q => Assert.Contains($"{account}/default/{q}", queues));
    }

    [Fact]
    public void Identity_HasQueueAndTableDataRoles_ScopedToTheAccount()
    {
        var deployment = Deploy();
        var account = StorageAccount(deployment);

        foreach (var role in new[] { QueueDataContributor, TableDataContributor })
        {
            var assignment = Assert.Single(deployment.OfType(RoleAssignments), a => RoleOf(a) == role);
            Assert.Equal(account.Id, assignment.Scope);
            Assert.Equal(IdentityPrincipal(deployment), assignment.Properties!["principalId"]!.GetValue<string>());
            Assert.Equal("ServicePrincipal", assignment.Properties!["principalType"]!.GetValue<string>());
        }
    }

    [Fact]
    public void Identity_BlobRole_IsScopedToEachContainerTheAppsUse()
    {
        var deployment = Deploy();
        var account = StorageAccount(deployment).Name;
        string[] expected = [.. _artifactContainers, "rankdistill-applease", "rankdistill-largemessages", "rankdistillgpu-applease", "rankdistillgpu-largemessages"];

        var scopes = AssignmentsOf(deployment, IdentityPrincipal(deployment)).Where(a => RoleOf(a) == BlobDataContributor).Select(a => a.Scope!).ToHashSet();

        Assert.Equal(expected.Select(c => ArmDeployment.ResourceId(BlobContainers, account, "default", c)).ToHashSet(), scopes);
        Assert.All(expected, c => deployment.Single(BlobContainers, c));
    }

    [Fact]
    public void Identity_RolesAreDataPlaneOnly_PlusAcrPullOnTheRegistryGiven()
    {
        var deployment = Deploy(("containerRegistryName", "myregistry"));

        var roles = AssignmentsOf(deployment, IdentityPrincipal(deployment)).GroupBy(RoleOf).ToDictionary(g => g.Key, g => g.ToList());

        Assert.Equal(new HashSet<string> { BlobDataContributor, QueueDataContributor, TableDataContributor, AcrPull }, roles.Keys.ToHashSet());
        Assert.Equal(ArmDeployment.ResourceId("Microsoft.ContainerRegistry/registries", "myregistry"), Assert.Single(roles[AcrPull]).Scope);
        Assert.DoesNotContain(Deploy().OfType(RoleAssignments), a => RoleOf(a) == AcrPull);
    }

    [Fact]
    public void Operator_GetsTheTaskHubRoles_OnlyWhenAskedFor()
    {
        var uploadsOnly = AssignmentsOf(Deploy(("operatorPrincipalId", Operator)), Operator).ToList();
        var withTaskHub = Deploy(("operatorPrincipalId", Operator), ("operatorTaskHubAccess", true));
        var account = StorageAccount(withTaskHub);

        Assert.Equal(
            new[] { (BlobDataContributor, "clicklogs"), (BlobDataContributor, "labels"), (BlobDataReader, "models"), (BlobDataReader, "runs") }.Order(),
            uploadsOnly.Select(a => (RoleOf(a), a.Scope!.Split('/')[^1])).Order());
        var taskHubRoles = AssignmentsOf(withTaskHub, Operator).Except(AssignmentsOf(withTaskHub, Operator).Where(a => _artifactContainers.Contains(a.Scope!.Split('/')[^1]))).ToList();
        Assert.Equal(
            new[] { (BlobDataContributor, "rankdistill-applease"), (BlobDataContributor, "rankdistill-largemessages"), (BlobDataContributor, "rankdistillgpu-applease"),
                (BlobDataContributor, "rankdistillgpu-largemessages"), (QueueDataContributor, account.Name), (TableDataContributor, account.Name) }.Order(),
            taskHubRoles.Select(a => (RoleOf(a), a.Scope!.Split('/')[^1])).Order());
        Assert.All(taskHubRoles.Where(a => RoleOf(a) != BlobDataContributor), a => Assert.Equal(account.Id, a.Scope));
    }

    private ArmDeployment Deploy(params (string Name, JsonNode? Value)[] parameters)
    {
        var values = new Dictionary<string, JsonNode?>
        {
            ["cpuImage"] = "example.azurecr.io/rankdistill:cpu",
            ["gpuImage"] = "example.azurecr.io/rankdistill:cuda",
            ["dashboardApiKey"] = new string('k', 32),
        };
        foreach (var (name, value) in parameters)
            values[name] = value;
        return ArmDeployment.Evaluate(main.Template ?? throw new InvalidOperationException("main.bicep did not build:\n" + main.Build.Output), values);
    }

    private static ArmResource App(ArmDeployment deployment, string name) => deployment.Single(ContainerApps, name);

    private static JsonObject Container(ArmDeployment deployment, string appName) =>
        Assert.Single(App(deployment, appName).Properties!["template"]!["containers"]!.AsArray())!.AsObject();

    private static ArmResource StorageAccount(ArmDeployment deployment) => Assert.Single(deployment.OfType(StorageAccounts));

    private static string IdentityPrincipal(ArmDeployment deployment) =>
        $"«reference({Assert.Single(deployment.OfType(Identities)).Id}).principalId»";

    /// <summary>The one user-assigned identity an app runs as.</summary>
    private static string AppIdentity(ArmResource app) => Assert.Single(app.Body["identity"]!["userAssignedIdentities"]!.AsObject()).Key;

    private static IEnumerable<JsonNode> Rules(JsonNode scale) => scale["rules"]!.AsArray().Select(r => r!);

    private static string QueueOf(JsonNode rule) => rule["custom"]?["metadata"]?["queueName"]?.GetValue<string>() ?? "";

    private static string RoleOf(ArmResource assignment) => assignment.Properties!["roleDefinitionId"]!.GetValue<string>().Split('/')[^1];

    private static IEnumerable<ArmResource> AssignmentsOf(ArmDeployment deployment, string principal) =>
        deployment.OfType(RoleAssignments).Where(a => a.Properties!["principalId"]!.GetValue<string>() == principal);

    private static Dictionary<string, string> PlainEnvironment(JsonObject container) =>
        container["env"]!.AsArray().Where(e => e!["value"] is not null).ToDictionary(e => e!["name"]!.GetValue<string>(), e => e!["value"]!.GetValue<string>());

    private static IEnumerable<string> SecretEnvironment(JsonObject container) =>
        container["env"]!.AsArray().Where(e => e!["secretRef"] is not null).Select(e => e!["name"]!.GetValue<string>());

    /// <summary>
    /// The configuration a container with this environment would give the host (the environment-variable provider turns
    /// <c>__</c> into <c>:</c>). Values known only once resources exist stand in as values of the right shape.
    /// </summary>
    private static IConfiguration HostConfigurationFrom(Dictionary<string, string> environment) =>
        new ConfigurationBuilder()
            .AddInMemoryCollection(environment.Select(e => new KeyValuePair<string, string?>(
                e.Key.Replace("__", ":", StringComparison.Ordinal),
                ArmDeployment.IsOpaque(e.Value) ? (e.Key.EndsWith("Url", StringComparison.Ordinal) ? "https://deployed.example/" : "deployed") : e.Value)))
            .Build();
}
