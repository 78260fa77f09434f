using RankDistill.Activities.Data;
using RankDistill.Activities.Pipeline;
using RankDistill.Activities.Storage;

namespace RankDistill.Activities.Tests.Pipeline;

public sealed class PrepareDataActivityTests : IDisposable
{
    private readonly PipelineHarness _harness = new();

    public void Dispose() => _harness.Dispose();

    [Fact]
    public async Task RunAsync_TinyDrop_PublishesDataTokenizersAndLineage()
    {
        await _harness.WriteDropAsync();
        using var context = new TestActivityContext(_harness);

        var prepared = await _harness.Prepare.RunAsync(context, PipelineHarness.Request("r1"));

        var ct = TestContext.Current.CancellationToken;
        var data = await _harness.Store.GetSetAsync(RunLayout.PreparedData("r1"), ct);
        await data.VerifyAsync(ct);
        Assert.Contains(data.Files, f => f.Name == RunArtifacts.InDataSet(PreparedDataPaths.CptTrain));
        Assert.NotNull(await _harness.Store.OpenSetAsync(RunLayout.Tokenizer("r1", ModelFolders.TeacherRole), ct));
        Assert.NotNull(await _harness.Store.OpenSetAsync(RunLayout.Tokenizer("r1", ModelFolders.StudentRole), ct));
        // The marker is not an input; both data files are, with their ETags.
        Assert.Equal(["clicklogs/tiny/part-00000.jsonl", "labels/tiny/labels.jsonl"], prepared.Inputs.Select(i => i.Name));
        Assert.All(prepared.Inputs, i => Assert.False(string.IsNullOrEmpty(i.Hash)));
        var lists = prepared.Summary.CandidateLists.Train + prepared.Summary.CandidateLists.Dev;
        Assert.Equal(lists, prepared.CandidateLists);
        Assert.Equal((lists + 3) / 4, prepared.LabelingShards);
        Assert.True(prepared.Summary.LabelledQueries.Test > 0 && prepared.Summary.LabelledQueries.Train > 0);
    }

    [Fact]
    public async Task RunAsync_Twice_ReturnsSameResultWithoutRedoingTheWork()
    {
        await _harness.WriteDropAsync();
        using var context = new TestActivityContext(_harness);
        var first = await _harness.Prepare.RunAsync(context, PipelineHarness.Request("r1"));
        var manifest = $"{RunLayout.PreparedData("r1")}/{ArtifactSetManifest.FileName}";
        var before = await _harness.Store.GetInfoAsync(manifest, TestContext.Current.CancellationToken);

        var second = await _harness.Prepare.RunAsync(context, PipelineHarness.Request("r1"));

        Assert.Equal(Json(first), Json(second));
        Assert.Equal(before, await _harness.Store.GetInfoAsync(manifest, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task RunAsync_MalformedRows_RejectsAndCountsThem()
    {
        await _harness.WriteDropAsync(["{\"query\": \"cut in the mid", "not json at all", "{\"title\":\"no query\",\"url\":\"https://x.test/\",\"position\":1,\"clicked\":true}"]);
        using var context = new TestActivityContext(_harness);

        var prepared = await _harness.Prepare.RunAsync(context, PipelineHarness.Request("r1"));

        Assert.Equal(3, prepared.Summary.ClickRowsRejected);
        var rejected = await _harness.ReadAsync($"{RunLayout.Rejected("r1")}/clicklogs.jsonl");
        Assert.Equal(3, System.Text.Encoding.UTF8.GetString(rejected).Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
    }

    [Fact]
    public async Task RunAsync_FilesTheStoreRefuses_RejectedByNameAndCounted()
    {
        await _harness.WriteDropAsync();
        var drop = Path.GetDirectoryName(_harness.FileOf("clicklogs/tiny/part-00000.jsonl"))!;
        var outside = Path.Combine(Path.GetDirectoryName(_harness.Local.Root)!, $"outside-{Guid.NewGuid():N}.jsonl");
        var line = await File.ReadAllLinesAsync(Path.Combine(drop, "part-00000.jsonl"), TestContext.Current.CancellationToken);
        await File.WriteAllLinesAsync(outside, line.Take(1), TestContext.Current.CancellationToken);
        await File.WriteAllLinesAsync(Path.Combine(drop, "bad:name.jsonl"), line.Take(1), TestContext.Current.CancellationToken);
        File.CreateSymbolicLink(Path.Combine(drop, "linked.jsonl"), outside);
        using var context = new TestActivityContext(_harness);

        var prepared = await _harness.Prepare.RunAsync(context, PipelineHarness.Request("r1"));

        File.Delete(outside);
        Assert.Equal((3, 2), (prepared.Summary.ClickFiles, prepared.Summary.ClickFilesRejected));
        var rejected = System.Text.Encoding.UTF8.GetString(await _harness.ReadAsync($"{RunLayout.Rejected("r1")}/clicklogs.jsonl"))
            .Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(PreparedJsonl.FromLine<RejectedRow>);
        Assert.Equal(
            [
                new RejectedRow("bad:name.jsonl", 0, "refused by the store: it contains ':', which file names on Windows cannot hold", ""),
                new RejectedRow("linked.jsonl", 0, $"refused by the store: {LocalArtifactStore.LinkRefusal}", ""),
            ],
            rejected);
    }

    [Fact]
    public async Task RunAsync_LineLimitLoweredInTheRunsSettings_RejectsTheLongerRowWithItsReason()
    {
        // A good row, only long: read under the default limit of 1 Mi characters.
        var longRow = DropFileWriter.ToJsonLine(new ClickLogRow("long page", new string('t', 2_600), "a summary", "https://tiny.test/long", 1, Clicked: true, DwellMs: 5_000, SessionId: "s-long"));
        await _harness.WriteDropAsync([longRow]);
        var settings = PipelineHarness.Settings with { DropFiles = new DropFileLimits { MaxLineLength = 2_500 } };
        using var context = new TestActivityContext(_harness);

        var prepared = await _harness.Prepare.RunAsync(context, new StageRequest("r1", PipelineHarness.DropId, settings));

        Assert.Equal(1, prepared.Summary.ClickRowsRejected);
        var rejected = await _harness.Store.GetSetAsync(RunLayout.Rejected("r1"), TestContext.Current.CancellationToken);
        await rejected.VerifyAsync(TestContext.Current.CancellationToken);
        var row = PreparedJsonl.FromLine<RejectedRow>(System.Text.Encoding.UTF8.GetString(await _harness.ReadAsync($"{RunLayout.Rejected("r1")}/clicklogs.jsonl")).Trim());
        Assert.Equal(new RejectedRow("part-00000.jsonl", TinyDrop.Queries * 5 + 1, "line too long: more than 2500 characters (setting MaxLineLength)", longRow[..RejectedRow.MaxRawTextLength]), row);
    }

    [Fact]
    public async Task RunAsync_OnlyGarbage_ThrowsUnusableDropSayingWhy()
    {
        var ct = TestContext.Current.CancellationToken;
        await _harness.Store.WriteAsync("clicklogs/tiny/part-00000.jsonl", "garbage\n{broken\n"u8.ToArray(), ct);
        await _harness.Store.WriteAsync("labels/tiny/labels.jsonl", "nothing useful\n"u8.ToArray(), ct);
        using var context = new TestActivityContext(_harness);

        var error = await Assert.ThrowsAsync<UnusableDropException>(() => _harness.Prepare.RunAsync(context, PipelineHarness.Request("r1")));

        Assert.Contains("no usable click-log rows", error.Message, StringComparison.Ordinal);
        Assert.Contains("no usable label rows", error.Message, StringComparison.Ordinal);
        // The rows that were set aside are kept; the data set is not published.
        Assert.NotNull(await _harness.Store.OpenSetAsync(RunLayout.Rejected("r1"), ct));
        Assert.Null(await _harness.Store.OpenSetAsync(RunLayout.PreparedData("r1"), ct));
    }

    private static string Json(PreparedData data) => PreparedJsonl.ToLine(data);
}
