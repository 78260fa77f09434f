using System.Text.Json.Nodes;
using RankDistill.Testing;

namespace RankDistill.Workflows.Tests.Infra;

/// <summary>
/// The TorchBackend build property in src/Models picks TorchSharp-cpu (default) or TorchSharp-cuda-linux.
/// Checked by evaluating the project with the real `dotnet msbuild` and no restore, because the CUDA
/// package is not on this machine's feed (the GPU image restores it in its own build).
/// </summary>
public sealed class TorchBackendSwitchTests
{
    private static readonly string _modelsProject = Path.Combine(RepositoryRoot.Path, "src", "Models", "RankDistill.Models.csproj");

    [Fact]
    public async Task Evaluate_Default_ReferencesTorchSharpCpuOnly()
    {
        var evaluation = await MSBuildAsync(["-getItem:PackageReference", "-getItem:PackageVersion"]);

        var references = Identities(evaluation, "PackageReference");
        Assert.Contains("TorchSharp-cpu", references);
        Assert.DoesNotContain("TorchSharp-cuda-linux", references);
        // Both packages bundle the same managed TorchSharp: a cuda image runs the code the tests ran on CPU.
        var versions = evaluation["Items"]!["PackageVersion"]!.AsArray()
            .ToDictionary(i => i!["Identity"]!.GetValue<string>(), i => i!["Version"]!.GetValue<string>());
        Assert.Equal(versions["TorchSharp-cpu"], versions["TorchSharp-cuda-linux"]);
    }

    [Fact]
    public async Task Validate_Cuda_PassesAndReferencesTorchSharpCudaLinuxOnly()
    {
        // With a target, MSBuild runs it and then prints the items; the validation must let cuda through.
        var evaluation = await MSBuildAsync(["-t:ValidateTorchBackend", "-p:TorchBackend=cuda", "-getItem:PackageReference"]);

        var references = Identities(evaluation, "PackageReference");
        Assert.Contains("TorchSharp-cuda-linux", references);
        Assert.DoesNotContain("TorchSharp-cpu", references);
    }

    [Fact]
    public async Task Validate_UnknownBackend_FailsWithErrorNamingTheChoices()
    {
        var run = await DotnetAsync(["msbuild", _modelsProject, "-t:ValidateTorchBackend", "-p:TorchBackend=rocm"]);

        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains("RD0001", run.StdOut, StringComparison.Ordinal);
        Assert.Contains("TorchBackend 'rocm' is not supported: use 'cpu' (default) or 'cuda'", run.StdOut, StringComparison.Ordinal);
    }

    private static List<string> Identities(JsonNode evaluation, string itemType) =>
        [.. evaluation["Items"]![itemType]!.AsArray().Select(i => i!["Identity"]!.GetValue<string>())];

    /// <summary>Runs nothing but what is asked (no restore, nothing written); MSBuild prints the results as JSON.</summary>
    private static async Task<JsonNode> MSBuildAsync(string[] arguments)
    {
        var run = await DotnetAsync(["msbuild", _modelsProject, .. arguments]);
        Assert.True(run.ExitCode == 0, run.Output);
        return JsonNode.Parse(run.StdOut)!;
    }

    private static Task<ProcessResult> DotnetAsync(string[] arguments) => DotnetCli.RunAsync(arguments, RepositoryRoot.Path);
}
