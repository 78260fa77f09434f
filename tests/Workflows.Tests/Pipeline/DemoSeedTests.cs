using RankDistill.Workflows.Tests.Demo;

namespace RankDistill.Workflows.Tests.Pipeline;

/// <summary>
/// <c>demo --seed N</c> as a child process: the seed picks the world. Each demo is killed once it has written its drop
/// and started the run (nothing after that matters here), so three demos cost seconds.
/// </summary>
public sealed class DemoSeedTests
{
    [Fact]
    public async Task Demo_SeedFlag_SameSeedWritesTheSameDropAndAnotherSeedAnotherWorld()
    {
        using var first = new TemporaryFolder();
        using var again = new TemporaryFolder();
        using var other = new TemporaryFolder();

        await Task.WhenAll(StartRunAsync(first.Path, 7), StartRunAsync(again.Path, 7), StartRunAsync(other.Path, 8));

        var seven = DropFiles(first.Path, "demo-quick-7");
        var sevenAgain = DropFiles(again.Path, "demo-quick-7");
        var eight = DropFiles(other.Path, "demo-quick-8");
        Assert.Equal(seven.Keys, sevenAgain.Keys);
        Assert.All(seven, file => Assert.Equal(file.Value, sevenAgain[file.Key]));
        Assert.Equal(seven.Keys.Select(InWorldEight), eight.Keys);
        // Every data file of the other world differs (only the empty _SUCCESS marker is alike).
        Assert.All(seven.Where(f => !f.Key.EndsWith("/_SUCCESS", StringComparison.Ordinal)), file => Assert.NotEqual(file.Value, eight[InWorldEight(file.Key)]));

        static string InWorldEight(string name) => name.Replace("/demo-quick-7/", "/demo-quick-8/", StringComparison.Ordinal);
    }

    /// <summary>Runs <c>demo --quick --seed N</c> until it has started its run, then kills it.</summary>
    private static async Task StartRunAsync(string data, int seed)
    {
        using var demo = HostProcess.Start(data, "demo", "--quick", "--seed", $"{seed}", "--data", data, "--Pipeline:Preset=Tiny", "--Torch:Device=cpu");
        await demo.WaitUntilAsync(() => Task.FromResult(demo.Output.Contains($"Started pipeline-demo-quick-{seed}", StringComparison.Ordinal)),
            $"demo --seed {seed} started its run", TimeSpan.FromMinutes(2));
        demo.Kill();
        Assert.Contains($"preset Tiny, seed {seed}", demo.Output, StringComparison.Ordinal);
    }

    /// <summary>The drop's files in the data folder's store (click logs and labels), by name relative to the store.</summary>
    private static SortedDictionary<string, byte[]> DropFiles(string data, string dropId)
    {
        var store = Path.Combine(data, "store");
        var files = new SortedDictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var area in new[] { "clicklogs", "labels" })
        {
            foreach (var path in Directory.EnumerateFiles(Path.Combine(store, area, dropId), "*", SearchOption.AllDirectories))
                files[Path.GetRelativePath(store, path).Replace('\\', '/')] = File.ReadAllBytes(path);
        }
        return files;
    }
}
