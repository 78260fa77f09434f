using RankDistill.Activities.Data;
using RankDistill.Workflows.Demo;

namespace RankDistill.Workflows.Tests.Demo;

/// <summary>The demo's drop goes through PrepareData as a real drop would: every broken line set aside, every re-delivered row deduped.</summary>
public sealed class DemoDropPreparationTests
{
    [Fact]
    public async Task PrepareAsync_QuickDemoDrop_RejectsTheMalformedDedupesTheRepeatedAndHoldsOutTestQueries()
    {
        using var store = new TemporaryFolder();
        var world = SyntheticWeb.Generate(SyntheticWebOptions.Quick);
        await SyntheticWeb.WriteDropAsync(world, store.Path, "demo-1", TestContext.Current.CancellationToken);
        var output = new FolderSink(Path.Combine(store.Path, "runs", "r1"));

        var summary = await new DatasetPreparer(new PrepareDataOptions()).PrepareAsync(
            Files(Path.Combine(store.Path, "clicklogs", "demo-1")), Files(Path.Combine(store.Path, "labels", "demo-1")), output, TestContext.Current.CancellationToken);

        var options = world.Options;
        var rows = world.ClickLog.Count();
        Assert.Equal((long)rows + options.RepeatedRows + options.MalformedRows, summary.ClickRowsRead);
        Assert.Equal(options.MalformedRows, summary.ClickRowsRejected);
        Assert.Equal(options.RepeatedRows, summary.DuplicateClickRows);
        Assert.Equal(rows, summary.ClickRows.Train + summary.ClickRows.Dev + summary.ClickRows.Test);
        Assert.Equal(world.Labels.Count, summary.LabelRowsRead);
        Assert.Equal(0, summary.LabelRowsRejected);
        Assert.Equal(options.LabelledQueries, summary.LabelledQueries.Train + summary.LabelledQueries.Dev + summary.LabelledQueries.Test);
        Assert.True(summary.LabelledQueries.Test > 0);
        // Which split a query falls in is QuerySplitter's rule (a hash, tested on its own); what is checked here is
        // that every clicked row of a train query, and nothing else, became a CPT example.
        Assert.Equal(world.ClickLog.Count(r => r.Clicked && new QuerySplitter(new SplitOptions()).SplitOf(r.Query) == DataSplit.Train), summary.CptExamples.Train);
        Assert.Equal(options.MalformedRows, File.ReadAllLines(Path.Combine(store.Path, "runs", "r1", PreparedDataPaths.RejectedClickLogs)).Length);
    }

    private static List<DropFile> Files(string folder) =>
        [.. Directory.EnumerateFiles(folder).Select(path => new DropFile(Path.GetFileName(path), _ => Task.FromResult<Stream>(File.OpenRead(path))))];

    private sealed class FolderSink(string root) : IPreparedDataSink
    {
        public Task<Stream> CreateAsync(string path, CancellationToken cancellationToken)
        {
            var full = Path.Combine(root, path);
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            return Task.FromResult<Stream>(File.Create(full));
        }
    }
}
