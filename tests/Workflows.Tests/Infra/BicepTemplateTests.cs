using System.Text.Json.Nodes;

namespace RankDistill.Workflows.Tests.Infra;

/// <summary>
/// The Azure templates compile and lint with the real Bicep CLI, with no errors and no warnings
/// (bicepconfig.json turns on the extra rules), and are formatted as `bicep format` writes them.
/// </summary>
[Collection(BicepCollection.Name)]
public sealed class BicepTemplateTests(CompiledMainTemplate main)
{
    private static readonly string _modules = Path.Combine(BicepCli.TemplateDirectory, "modules");

    [Fact]
    public void Build_MainTemplate_CompilesWithoutDiagnostics()
    {
        Assert.True(main.Build.ExitCode == 0 && main.Build.StdErr.Trim().Length == 0, main.Build.Output);
        Assert.NotEmpty(main.Template!["resources"]!.AsObject());
    }

    [Fact]
    public async Task Lint_EveryBicepFile_ReportsNothing()
    {
        var lint = await BicepCli.RunAsync("lint", "--pattern", "**/*.bicep");

        AssertSilentSuccess(lint);
    }

    [Fact]
    public async Task Build_EachModule_CompilesOnItsOwn()
    {
        using var output = new TemporaryDirectory();

        var build = await BicepCli.RunAsync("build", "--pattern", "modules/*.bicep", "--outdir", output.Path);

        AssertSilentSuccess(build);
        var modules = Directory.GetFiles(_modules, "*.bicep");
        Assert.NotEmpty(modules);
        foreach (var module in modules)
        {
            var json = Path.Combine(output.Path, Path.GetFileNameWithoutExtension(module) + ".json");
            Assert.True(File.Exists(json), $"{Path.GetFileName(module)} produced no template");
            Assert.NotNull(JsonNode.Parse(File.ReadAllText(json))?["$schema"]);
        }
    }

    [Fact]
    public async Task Format_EveryBicepFile_IsAlreadyFormatted()
    {
        // `bicep format` rewrites in place (--outdir cannot be combined with --pattern), so format a copy.
        using var copy = new TemporaryDirectory();
        var sources = Directory.GetFiles(BicepCli.TemplateDirectory, "*", SearchOption.AllDirectories);
        foreach (var source in sources)
        {
            var target = Path.Combine(copy.Path, Path.GetRelativePath(BicepCli.TemplateDirectory, source));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(source, target);
        }

        var format = await BicepCli.RunInAsync(copy.Path, null, "format", "--pattern", "**/*.bicep");

        AssertSilentSuccess(format);
        var bicepFiles = sources.Where(s => s.EndsWith(".bicep", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(bicepFiles);
        foreach (var source in bicepFiles)
        {
            var formatted = Path.Combine(copy.Path, Path.GetRelativePath(BicepCli.TemplateDirectory, source));
            Assert.True(
                File.ReadAllText(source) == File.ReadAllText(formatted),
                $"{Path.GetRelativePath(RankDistill.Testing.RepositoryRoot.Path, source)} is not formatted: run `bicep format` on it");
        }
    }

    /// <summary>Exit 0 and not a word on either stream: any warning or error is printed, so silence means none.</summary>
    private static void AssertSilentSuccess(ProcessResult result) =>
        Assert.True(result.ExitCode == 0 && (result.StdOut + result.StdErr).Trim().Length == 0, result.Output);
}
