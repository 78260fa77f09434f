using RankDistill.Activities.Storage;
using RankDistill.Workflows.Cli;
using RankDistill.Workflows.Demo;
using RankDistill.Workflows.Tests.Pipeline;

namespace RankDistill.Workflows.Tests.Demo;

/// <summary>
/// The demo's drop in a data folder that already has one: the same world is reused (the run resumes), another
/// version's world is refused, since its old run would otherwise be resumed or reported as this demo's.
/// </summary>
public sealed class DemoDropTests
{
    private const string Labels = $"labels/demo-quick-42/{SyntheticWeb.LabelsFile}";

    [Fact]
    public async Task EnsureAsync_SameWorldAgain_ReusedWithoutWriting()
    {
        using var data = new TemporaryFolder();
        var store = new LocalArtifactStore(data.Path);
        var ct = TestContext.Current.CancellationToken;

        Assert.True(await DemoDrop.EnsureAsync(store, quick: true, seed: 42, ct));
        var written = await store.GetInfoAsync(Labels, ct);

        Assert.False(await DemoDrop.EnsureAsync(store, quick: true, seed: 42, ct));
        Assert.Equal(written, await store.GetInfoAsync(Labels, ct));
    }

    [Theory]
    [InlineData("same size")]
    [InlineData("shorter")]
    public async Task EnsureAsync_StoredDropDiffersFromThisWorld_RefusedNamingTheFile(string change)
    {
        using var data = new TemporaryFolder();
        var store = new LocalArtifactStore(data.Path);
        var ct = TestContext.Current.CancellationToken;
        await DemoDrop.EnsureAsync(store, quick: true, seed: 42, ct);
        var path = Path.Combine(data.Path, Labels);
        var text = await File.ReadAllTextAsync(path, ct);
        // One grade changed (another world), or the last label gone.
        text = change == "same size" ? ReplaceFirstGrade(text) : text[..text.TrimEnd().LastIndexOf('\n')] + "\n";
        await File.WriteAllTextAsync(path, text, ct);

        var e = await Assert.ThrowsAsync<DemoDropMismatchException>(() => DemoDrop.EnsureAsync(store, quick: true, seed: 42, ct));

        Assert.Equal(Labels, e.Artifact);
        Assert.Contains("Delete the data folder or pass another --data", e.Message, StringComparison.Ordinal);
        Assert.Equal(text, await File.ReadAllTextAsync(path, ct)); // refused, not overwritten
    }

    [Fact]
    public async Task Demo_DataFolderHoldsAnotherWorldsDrop_ExitsWithTheReasonBeforeTraining()
    {
        using var data = new TemporaryFolder();
        var store = new LocalArtifactStore(Path.Combine(data.Path, "store"));
        await DemoDrop.EnsureAsync(store, quick: true, seed: 42, TestContext.Current.CancellationToken);
        var path = Path.Combine(data.Path, "store", Labels);
        await File.WriteAllTextAsync(path, ReplaceFirstGrade(await File.ReadAllTextAsync(path, TestContext.Current.CancellationToken)), TestContext.Current.CancellationToken);

        using var demo = HostProcess.Start(data.Path, "demo", "--quick", "--data", data.Path, "--Pipeline:Preset=Tiny", "--Torch:Device=cpu", QuickWorldShards.Setting);
        var exit = await demo.WaitForExitAsync(TimeSpan.FromMinutes(2));

        Assert.True(exit == 2, $"demo exited with {exit}:\n{demo.Output}");
        Assert.Contains($"{Labels} differs", demo.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("Started pipeline-", demo.Output, StringComparison.Ordinal);
    }

    private static string ReplaceFirstGrade(string labels)
    {
        var at = labels.IndexOf("\"grade\":", StringComparison.Ordinal) + "\"grade\":".Length;
        while (labels[at] == ' ')
            at++;
        var grade = labels[at];
        return labels[..at] + (grade == '0' ? '1' : '0') + labels[(at + 1)..];
    }
}
