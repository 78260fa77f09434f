using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace RankDistill.Workflows.Tests.Infra;

/// <summary>
/// Promises main.bicep makes to whoever deploys it: only the images and the secrets must be given,
/// secrets are secure parameters, the identity gets data-plane roles only, and main.bicepparam
/// reads exactly what it says from the environment.
/// </summary>
[Collection(BicepCollection.Name)]
public sealed partial class MainTemplateContractTests(CompiledMainTemplate main)
{
    // Built-in role definition ids (the same in every tenant).
    private const string BlobDataContributor = "ba92f5b4-2d11-453d-a403-e96b0029c9fe";
    private const string BlobDataReader = "2a2b9908-6ea1-4ae2-8e65-a410df84e7d1";
    private const string AcrPull = "7f951dda-4ed3-4680-a7ca-43fe172d538d";

    private static readonly Dictionary<string, string?> _deploymentEnvironment = new()
    {
        ["RANKDISTILL_CPU_IMAGE"] = "example.azurecr.io/rankdistill:cpu",
        ["RANKDISTILL_GPU_IMAGE"] = "example.azurecr.io/rankdistill:cuda",
        ["RANKDISTILL_REGISTRY"] = "example",
        ["RANKDISTILL_PG_PASSWORD"] = "Not-a-real-password-1",
        ["RANKDISTILL_DASHBOARD_KEY"] = new string('k', 32),
        ["RANKDISTILL_OPERATOR_ID"] = null,
        ["RANKDISTILL_OPERATOR_IP"] = null,
    };

    [Fact]
    public void Parameters_WithoutDefault_AreTheImagesAndTheSecrets()
    {
        var required = main.Parameters
            .Where(p => p.Value!["defaultValue"] is null)
            .Select(p => p.Key)
            .Order(StringComparer.Ordinal);

        Assert.Equal(["cpuImage", "dashboardApiKey", "gpuImage", "postgresAdminPassword"], required);
    }

    [Fact]
    public void Parameters_Secure_AreThePasswordAndTheApiKey()
    {
        var secure = main.Parameters
            .Where(p => p.Value!["type"]!.GetValue<string>() is "securestring" or "secureObject")
            .Select(p => p.Key)
            .Order(StringComparer.Ordinal);

        Assert.Equal(["dashboardApiKey", "postgresAdminPassword"], secure);
    }

    [Fact]
    public void RoleAssignments_GrantDataPlaneRolesOnly()
    {
        // Every literal GUID in the compiled template is a role definition id (assignment names are
        // guid() expressions), so this catches Owner, Contributor or any other role being added.
        var guids = GuidPattern().Matches(main.Template!.ToJsonString()).Select(m => m.Value).ToHashSet();

        Assert.Subset(new HashSet<string> { BlobDataContributor, BlobDataReader, AcrPull }, guids);
        Assert.Contains(BlobDataContributor, guids);
        Assert.Contains(AcrPull, guids);
    }

    [Fact]
    public async Task ParameterFile_WithEnvironment_BuildsTheValuesGiven()
    {
        var build = await BicepCli.RunInAsync(BicepCli.TemplateDirectory, _deploymentEnvironment, "build-params", "main.bicepparam", "--stdout");

        Assert.True(build.ExitCode == 0 && build.StdErr.Trim().Length == 0, build.Output);
        var parameters = JsonNode.Parse(JsonNode.Parse(build.StdOut)!["parametersJson"]!.GetValue<string>())!["parameters"]!;
        Assert.Equal("example.azurecr.io/rankdistill:cuda", parameters["gpuImage"]!["value"]!.GetValue<string>());
        Assert.Equal("Not-a-real-password-1", parameters["postgresAdminPassword"]!["value"]!.GetValue<string>());
        Assert.Equal("", parameters["operatorPrincipalId"]!["value"]!.GetValue<string>());
    }

    [Fact]
    public async Task ParameterFile_WithoutPassword_FailsNamingTheVariable()
    {
        var environment = new Dictionary<string, string?>(_deploymentEnvironment) { ["RANKDISTILL_PG_PASSWORD"] = null };

        var build = await BicepCli.RunInAsync(BicepCli.TemplateDirectory, environment, "build-params", "main.bicepparam", "--stdout");

        Assert.NotEqual(0, build.ExitCode);
        Assert.Contains("RANKDISTILL_PG_PASSWORD", build.StdErr, StringComparison.Ordinal);
    }

    [GeneratedRegex("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", RegexOptions.IgnoreCase)]
    private static partial Regex GuidPattern();
}
