using RankDistill.Testing;
using RankDistill.Workflows.Tests.Demo;

namespace RankDistill.Workflows.Tests.Pipeline;

/// <summary>
/// The README's first command, <c>demo</c> without <c>--data</c>, run where a clone's local.settings.json sits (as at the
/// repository root): the demo's world goes to <c>.data/demo</c>, apart from the <c>.data</c> that <c>serve</c> and
/// <c>worker</c> use. The repository's file lists <c>Data__Root</c> empty, which is not a setting (once it read
/// <c>.data</c>, and the demo wrote into the user's own store). Killed once the run has started.
/// </summary>
public sealed class DemoDataFolderTests
{
    [Fact]
    public async Task Demo_WithoutDataFolder_BesideTheRepositorysLocalSettings_UsesTheDemoFolder()
    {
        using var work = new TemporaryFolder();
        File.Copy(Path.Combine(RepositoryRoot.Path, "local.settings.json"), Path.Combine(work.Path, "local.settings.json"));

        using var demo = HostProcess.Start(work.Path, "demo", "--quick", "--Pipeline:Preset=Tiny", "--Torch:Device=cpu");
        await demo.WaitUntilAsync(() => Task.FromResult(demo.Output.Contains("Started pipeline-demo-quick-42", StringComparison.Ordinal)),
            "demo started its run", TimeSpan.FromMinutes(2));
        demo.Kill();

        var demoFolder = Path.Combine(work.Path, ".data", "demo");
        Assert.Contains($"data folder {demoFolder},", demo.Output, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(demoFolder, "store", "clicklogs", "demo-quick-42", "_SUCCESS")), demo.Output);
        Assert.False(Directory.Exists(Path.Combine(work.Path, ".data", "store")), "the demo wrote into .data/store, the default store of serve and worker");
    }
}
