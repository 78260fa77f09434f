using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace RankDistill.Workflows.Tests.Infra;

/// <summary>
/// Promises main.bicep makes to whoever deploys it: only the images and the dashboard key must be given,
/// the key is a secure parameter (the task hub needs no secret: the apps sign in to the storage account as
/// their identity), the template names data-plane roles only, and main.bicepparam reads exactly what it
/// says from the environment. What the template deploys is checked in <see cref="DeploymentContractTests"/>.
/// </summary>
[Collection(BicepCollection.Name)]
public sealed partial class MainTemplateContractTests(CompiledMainTemplate main)
{
    // Built-in role definition ids (the same in every tenant).
    private const string BlobDataContributor = "ba92f5b4-2d11-453d-a403-e96b0029c9fe";
    private const string BlobDataReader = "2a2b9908-6ea1-4ae2-8e65-a410df84e7d1";
    private const string QueueDataContributor = "974c5e8b-45b9-4653-ba55-5f855dd0fb88";
    private const string TableDataContributor = "0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3";
    private const string AcrPull = "7f951dda-4ed3-4680-a7ca-43fe172d538d";

    private static readonly Dictionary<string, string?> _deploymentEnvironment = new()
    {
        ["RANKDISTILL_CPU_IMAGE"] = "example.azurecr.io/rankdistill:cpu",
        ["RANKDISTILL_GPU_IMAGE"] = "example.azurecr.io/rankdistill:cuda",
        ["RANKDISTILL_REGISTRY"] = "example",
        ["RANKDISTILL_DASHBOARD_KEY"] = new string('k', 32),
        ["RANKDISTILL_OPERATOR_ID"] = null,
        ["RANKDISTILL_OPERATOR_TASKHUB"] = null,
    };

    [Fact]
    public void Parameters_WithoutDefault_AreTheImagesAndTheDashboardKey()
    {
        var required = main.Parameters
            .Where(p => p.Value!["defaultValue"] is null)
            .Select(p => p.Key)
            .Order(StringComparer.Ordinal);

        Assert.Equal(["cpuImage", "dashboardApiKey", "gpuImage"], required);
    }

    [Fact]
    public void Parameters_Secure_AreTheDashboardKeyOnly()
    {
        var secure = main.Parameters
            .Where(p => p.Value!["type"]!.GetValue<string>() is "securestring" or "secureObject")
            .Select(p => p.Key)
            .Order(StringComparer.Ordinal);

        Assert.Equal(["dashboardApiKey"], secure);
    }

    [Fact]
    public void RoleAssignments_GrantDataPlaneRolesOnly()
    {
        // Every literal GUID in the compiled template is a role definition id (assignment names are
        // guid() expressions), so this catches Owner, Contributor or any other role being added.
        var guids = GuidPattern().Matches(main.Template!.ToJsonString()).Select(m => m.Value).ToHashSet();

        Assert.Subset(new HashSet<string> { BlobDataContributor, BlobDataReader, QueueDataContributor, TableDataContributor, AcrPull }, guids);
        Assert.Contains(BlobDataContributor, guids);
        Assert.Contains(QueueDataContributor, guids);
        Assert.Contains(TableDataContributor, guids);
        Assert.Contains(AcrPull, guids);
    }

    [Fact]
    public async Task ParameterFile_WithEnvironment_BuildsTheValuesGiven()
    {
        var build = await BicepCli.RunInAsync(BicepCli.TemplateDirectory, _deploymentEnvironment, "build-params", "main.bicepparam", "--stdout");

        Assert.True(build.ExitCode == 0 && build.StdErr.Trim().Length == 0, build.Output);
        var parameters = JsonNode.Parse(JsonNode.Parse(build.StdOut)!["parametersJson"]!.GetValue<string>())!["parameters"]!;
        Assert.Equal("example.azurecr.io/rankdistill:cuda", parameters["gpuImage"]!["value"]!.GetValue<string>());
        Assert.Equal(new string('k', 32), parameters["dashboardApiKey"]!["value"]!.GetValue<string>());
        Assert.Equal("", parameters["operatorPrincipalId"]!["value"]!.GetValue<string>());
        Assert.False(parameters["operatorTaskHubAccess"]!["value"]!.GetValue<bool>());
        Assert.Equal(
            ["containerRegistryName", "cpuImage", "dashboardApiKey", "gpuImage", "operatorPrincipalId", "operatorTaskHubAccess"],
            parameters.AsObject().Select(p => p.Key).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task ParameterFile_OperatorTaskHubAccess_ReadsTrue()
    {
        var environment = new Dictionary<string, string?>(_deploymentEnvironment) { ["RANKDISTILL_OPERATOR_ID"] = "someone", ["RANKDISTILL_OPERATOR_TASKHUB"] = "true" };

        var build = await BicepCli.RunInAsync(BicepCli.TemplateDirectory, environment, "build-params", "main.bicepparam", "--stdout");

        Assert.True(build.ExitCode == 0 && build.StdErr.Trim().Length == 0, build.Output);
        var parameters = JsonNode.Parse(JsonNode.Parse(build.StdOut)!["parametersJson"]!.GetValue<string>())!["parameters"]!;
        Assert.True(parameters["operatorTaskHubAccess"]!["value"]!.GetValue<bool>());
    }

    [Fact]
    public async Task ParameterFile_WithoutDashboardKey_FailsNamingTheVariable()
    {
        var environment = new Dictionary<string, string?>(_deploymentEnvironment) { ["RANKDISTILL_DASHBOARD_KEY"] = null };

        var build = await BicepCli.RunInAsync(BicepCli.TemplateDirectory, environment, "build-params", "main.bicepparam", "--stdout");

        Assert.NotEqual(0, build.ExitCode);
        Assert.Contains("RANKDISTILL_DASHBOARD_KEY", build.StdErr, StringComparison.Ordinal);
    }

    [GeneratedRegex("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", RegexOptions.IgnoreCase)]
    private static partial Regex GuidPattern();
}
