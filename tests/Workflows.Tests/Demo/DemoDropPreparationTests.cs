using Microsoft.DurableTask;
using Microsoft.Extensions.Logging.Abstractions;
using RankDistill.Activities.Data;
using RankDistill.Activities.Pipeline;
using RankDistill.Activities.Storage;
using RankDistill.TaskHub.Worker;
using RankDistill.Workflows.Demo;

namespace RankDistill.Workflows.Tests.Demo;

/// <summary>The demo's drop goes through PrepareData as a real drop would: every broken line set aside, every re-delivered row deduped.</summary>
public sealed class DemoDropPreparationTests
{
    [Fact]
    public async Task PrepareAsync_QuickDemoDrop_RejectsTheMalformedDedupesTheRepeatedAndHoldsOutTestQueries()
    {
        using var folder = new TemporaryFolder();
        var world = SyntheticWeb.Generate(SyntheticWebOptions.Quick);
        await SyntheticWeb.WriteDropAsync(world, folder.Path, "demo-1", TestContext.Current.CancellationToken);
        // The demo's own store over the folder it wrote, and the real PrepareData step on it.
        var store = new LocalArtifactStore(folder.Path);
        var prepare = new PrepareData(store, new ActivityCancellation { Token = TestContext.Current.CancellationToken }, NullLogger<PrepareData>.Instance);

        var summary = (await prepare.RunAsync(new StepContext(), new StageRequest("r1", "demo-1", PipelineSettings.Tiny))).Summary;

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
        var rejected = await store.ReadAllBytesAsync($"{RunLayout.Rejected("r1")}/clicklogs.jsonl", cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal(options.MalformedRows, System.Text.Encoding.UTF8.GetString(rejected).Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
    }

    /// <summary>What the SDK passes an activity; PrepareData reads nothing from it.</summary>
    private sealed class StepContext : TaskActivityContext
    {
        public override TaskName Name => nameof(PrepareData);

        public override string InstanceId => "pipeline-demo-1";
    }
}
