using System.Text;
using RankDistill.Activities.Data;

namespace RankDistill.Activities.Tests.Data;

public sealed class DatasetPreparerTests
{
    private static readonly QuerySplitter _splitter = new(new SplitOptions());
    private static readonly string _train = QueryIn(DataSplit.Train);
    private static readonly string _dev = QueryIn(DataSplit.Dev);
    private static readonly string _test = QueryIn(DataSplit.Test);
    private static readonly DateTimeOffset _time = DateTimeOffset.Parse("2024-03-01T08:00:00Z");

    /// <summary>The first "cheap flights N" query that the default seed puts in <paramref name="split"/>.</summary>
    private static string QueryIn(DataSplit split) =>
        Enumerable.Range(0, 1000).Select(i => $"cheap flights {i}").First(q => _splitter.SplitOf(q) == split);

    private static ClickLogRow Click(string query, int doc, int position, bool clicked, string session, long? dwell = null) =>
        new(query, $"Title {doc}", $"Summary {doc}", $"https://x.test/{doc}", position, clicked, dwell, session, _time);

    private static DropFile File(string name, byte[] content) => new(name, _ => Task.FromResult<Stream>(new MemoryStream(content)));

    private static async Task<DropFile> FileAsync<T>(string name, IEnumerable<T> rows)
    {
        using var stream = new MemoryStream();
        if (rows is IEnumerable<ClickLogRow> clicks)
            await DropFileWriter.WriteClickLogsAsync(stream, name, clicks, TestContext.Current.CancellationToken);
        else
            await DropFileWriter.WriteLabelsAsync(stream, name, (IEnumerable<LabelRow>)rows, TestContext.Current.CancellationToken);
        return File(name, stream.ToArray());
    }

    private static async Task<(DropFile[] Clicks, DropFile[] Labels)> SmallDropAsync()
    {
        var shouting = "  " + _train.ToUpperInvariant().Replace(" ", "  ", StringComparison.Ordinal);
        DropFile[] clicks =
        [
            await FileAsync("part-00000.jsonl",
            [
                Click(_train, 1, 1, true, "s1", 40_000),
                Click(_train, 2, 2, false, "s1"),
                Click(shouting, 1, 1, true, "s1", 40_000),          // the same event again, query in another form
                Click(_train, 3, 3, true, "s1", 1_000),            // a short click
                Click(_train, 2, 1, true, "s2", 60_000),
                Click(_dev, 1, 1, true, "s3"),
                Click(_test, 1, 1, true, "s4", 30_000),
                Click(_test, 4, 2, false, "s4"),
            ]),
            File("part-00001.tsv", Encoding.UTF8.GetBytes(
                "query\ttitle\turl\tposition\tclicked\n"
                + $"{_train}\tTitle 5\thttps://x.test/5\tfirst\t1\n"
                + $"{shouting}\tTitle 5\thttps://x.test/5\t4\t0\n")),
            File("_SUCCESS", Encoding.UTF8.GetBytes("not data")),
        ];
        DropFile[] labels =
        [
            await FileAsync("labels.jsonl",
            [
                new LabelRow(_train, "Title 1", "Summary 1", "https://x.test/1", 3),
                new LabelRow(_train, "Title 2", "Summary 2", "https://x.test/2", 0),
                new LabelRow(shouting, "Title 1", "Summary 1", "https://x.test/1", 4), // a second judge: mean 3.5 rounds to 4
                new LabelRow(_dev, "Title 1", "Summary 1", "https://x.test/1", 2),
                new LabelRow(_test, "Title 1", "Summary 1", "https://x.test/1", 4),
                new LabelRow(_test, "Title 4", "Summary 4", "https://x.test/4", 1),
                new LabelRow(_test, "Title 9", "Summary 9", "https://x.test/9", 9),
            ]),
        ];
        return (clicks, labels);
    }

    [Fact]
    public async Task PrepareAsync_SmallDrop_WritesEachDatasetFromTheRightSplit()
    {
        var (clicks, labels) = await SmallDropAsync();
        using var sink = new PreparedOutput();

        var summary = await new DatasetPreparer(new PrepareDataOptions()).PrepareAsync(clicks, labels, sink.Sink, TestContext.Current.CancellationToken);

        Assert.Equal(
            [new CptExample(_train, "Title 1", "Summary 1"), new CptExample(_train, "Title 3", "Summary 3"), new CptExample(_train, "Title 2", "Summary 2")],
            sink.Read<CptExample>(PreparedDataPaths.CptTrain));
        Assert.Equal([new CptExample(_dev, "Title 1", "Summary 1")], sink.Read<CptExample>(PreparedDataPaths.CptDev));

        var candidates = Assert.Single(sink.Read<CandidateList>(PreparedDataPaths.CandidatesTrain));
        Assert.Equal(_train, candidates.Query);
        Assert.Equal(
            [("https://x.test/1", 1, 1), ("https://x.test/2", 2, 1), ("https://x.test/3", 1, 1), ("https://x.test/5", 1, 0)],
            candidates.Docs.Select(d => (d.Url, d.Impressions, d.Clicks)));
        Assert.Equal(_dev, Assert.Single(sink.Read<CandidateList>(PreparedDataPaths.CandidatesDev)).Query);

        var sft = Assert.Single(sink.Read<GradedList>(PreparedDataPaths.SftTrain));
        Assert.Equal([("https://x.test/1", 4), ("https://x.test/2", 0)], sft.Docs.Select(d => (d.Url, d.Grade)));
        Assert.Equal(_dev, Assert.Single(sink.Read<GradedList>(PreparedDataPaths.SftDev)).Query);
        var eval = Assert.Single(sink.Read<GradedList>(PreparedDataPaths.EvalTest));
        Assert.Equal(_test, eval.Query);
        Assert.Equal([4, 1], eval.Docs.Select(d => d.Grade));

        Assert.Equal((10, 1, 1, 0), (summary.ClickRowsRead, summary.ClickRowsRejected, summary.DuplicateClickRows, summary.ConflictingDuplicateClickRows));
        Assert.Equal(new SplitCounts(1, 1, 1), summary.ClickQueries);
        Assert.Equal(new SplitCounts(5, 1, 2), summary.ClickRows);
        Assert.Equal(new SplitCounts(3, 1, 0), summary.CptExamples);
        Assert.Equal((7, 1, 1), (summary.LabelRowsRead, summary.LabelRowsRejected, summary.RepeatedJudgements));
        Assert.Equal(new SplitCounts(1, 1, 1), summary.LabelledQueries);
        Assert.Equal(new SplitCounts(2, 1, 2), summary.LabelledDocuments);
        Assert.Equal(new Dictionary<string, long> { ["position is not an integer"] = 1 }, summary.ClickRejectionsByReason);
        Assert.Equal(new Dictionary<string, long> { ["grade outside 0–4"] = 1 }, summary.LabelRejectionsByReason);
        Assert.Equal(2, summary.ClickFiles); // _SUCCESS is a marker, not a file to read

        var rejected = Assert.Single(sink.Read<RejectedRow>(PreparedDataPaths.RejectedClickLogs));
        Assert.Equal(("part-00001.tsv", 2L, "position is not an integer: 'first'"), (rejected.File, rejected.RowNumber, rejected.Reason));
        Assert.Equal("grade outside 0–4: 9", Assert.Single(sink.Read<RejectedRow>(PreparedDataPaths.RejectedLabels)).Reason);
        Assert.Contains("\"click_rows_read\":10", sink.Text(PreparedDataPaths.Summary), StringComparison.Ordinal);
    }

    [Fact]
    public async Task PrepareAsync_SampledCandidates_AddsCorpusDocumentsWithoutImpressionsTheSameEveryRun()
    {
        var (clicks, labels) = await SmallDropAsync();
        var options = new PrepareDataOptions { SampledCandidates = 2, SampleSeed = 7 };
        using var first = new PreparedOutput();
        using var second = new PreparedOutput();

        var summary = await new DatasetPreparer(options).PrepareAsync(clicks, labels, first.Sink, TestContext.Current.CancellationToken);
        await new DatasetPreparer(options).PrepareAsync(clicks, labels, second.Sink, TestContext.Current.CancellationToken);

        // The corpus is what train and dev queries were shown: documents 1, 2, 3, 5 (4 was shown to the test query only).
        // The train list holds all four already; the dev list, shown document 1, gets two of 2, 3, 5 after it.
        var train = Assert.Single(first.Read<CandidateList>(PreparedDataPaths.CandidatesTrain)).Docs.ToDictionary(d => d.Url);
        Assert.Equal(4, train.Count);
        var dev = Assert.Single(first.Read<CandidateList>(PreparedDataPaths.CandidatesDev));
        Assert.Equal(("https://x.test/1", 1), (dev.Docs[0].Url, dev.Docs[0].Impressions));
        var drawn = dev.Docs.Skip(1).ToList();
        Assert.Equal(2, drawn.Count);
        Assert.Equal(2, drawn.Select(d => d.Url).Distinct().Count());
        Assert.All(drawn, d => Assert.Contains(d.Url, new[] { "https://x.test/2", "https://x.test/3", "https://x.test/5" }));
        Assert.All(drawn, d => Assert.Equal((train[d.Url].Title, train[d.Url].Summary, 0, 0), (d.Title, d.Summary, d.Impressions, d.Clicks)));
        Assert.Equal(first.Text(PreparedDataPaths.CandidatesDev), second.Text(PreparedDataPaths.CandidatesDev));
        Assert.Equal(new SplitCounts(4, 3, 0), summary.CandidateDocuments);
    }

    [Fact]
    public async Task PrepareAsync_TestQuery_AppearsOnlyInTheEvaluationLists()
    {
        var (clicks, labels) = await SmallDropAsync();
        using var sink = new PreparedOutput();

        await new DatasetPreparer(new PrepareDataOptions()).PrepareAsync(clicks, labels, sink.Sink, TestContext.Current.CancellationToken);

        var holding = sink.Paths.Where(p => sink.Text(p).Contains(_test, StringComparison.Ordinal)).Order();
        Assert.Equal([PreparedDataPaths.EvalTest, PreparedDataPaths.RejectedLabels], holding);
    }

    [Fact]
    public async Task PrepareAsync_MinClickDwell_SkipsShortClicksKeepsClicksWithoutDwell()
    {
        var (clicks, labels) = await SmallDropAsync();
        using var sink = new PreparedOutput();

        var summary = await new DatasetPreparer(new PrepareDataOptions { MinClickDwellMs = 5_000 })
            .PrepareAsync(clicks, labels, sink.Sink, TestContext.Current.CancellationToken);

        Assert.DoesNotContain(sink.Read<CptExample>(PreparedDataPaths.CptTrain), e => e.Title == "Title 3");
        Assert.Equal((new SplitCounts(2, 1, 0), 1L), (summary.CptExamples, summary.ShortClicksSkipped));
    }

    [Fact]
    public async Task PrepareAsync_NoUsableClickRow_ThrowsUnusableDropSayingWhyAfterWritingRejections()
    {
        var (_, labels) = await SmallDropAsync();
        DropFile[] clicks =
        [
            File("a.jsonl", Encoding.UTF8.GetBytes("""{"title":"t","url":"https://x.test/1","position":1,"clicked":true}""" + "\n{oops\n")),
            File("b.jsonl.gz", Encoding.UTF8.GetBytes("not gzip")),
        ];
        using var sink = new PreparedOutput();

        var error = await Assert.ThrowsAsync<UnusableDropException>(() =>
            new DatasetPreparer(new PrepareDataOptions()).PrepareAsync(clicks, labels, sink.Sink, TestContext.Current.CancellationToken));

        Assert.StartsWith(
            "the drop cannot train or evaluate a ranker: no usable click-log rows: 2 file(s), 2 row(s) read, 2 rejected (",
            error.Message, StringComparison.Ordinal);
        Assert.Contains("missing query: 1", error.Message, StringComparison.Ordinal);
        Assert.Contains("invalid JSON: 1", error.Message, StringComparison.Ordinal);
        Assert.Contains("unusable files: b.jsonl.gz (truncated or corrupt gzip: after line 0: the file does not start with a gzip header)", error.Message, StringComparison.Ordinal);
        Assert.Equal(3, sink.Read<RejectedRow>(PreparedDataPaths.RejectedClickLogs).Count);
    }

    [Fact]
    public async Task PrepareAsync_FilesThatCannotBeRead_EachRejectedByNameWithItsReasonAndCounted()
    {
        var (clicks, labels) = await SmallDropAsync();
        const string Rule = "it contains ':', which file names on Windows cannot hold";
        DropFile[] more = [.. clicks, DropFile.Refused("part:2.jsonl", Rule), File("part-00003.csv", Encoding.UTF8.GetBytes("a,b\n"))];
        using var sink = new PreparedOutput();

        var summary = await new DatasetPreparer(new PrepareDataOptions()).PrepareAsync(more, labels, sink.Sink, TestContext.Current.CancellationToken);

        Assert.Equal((4, 2), (summary.ClickFiles, summary.ClickFilesRejected)); // the marker is neither
        Assert.Equal((1, 0), (summary.LabelFiles, summary.LabelFilesRejected));
        Assert.Equal(
            [
                ("part-00003.csv", "unsupported file type: expected .jsonl, .jsonl.gz, .tsv, .tsv.gz or .parquet"),
                ("part:2.jsonl", $"refused by the store: {Rule}"),
            ],
            sink.Read<RejectedRow>(PreparedDataPaths.RejectedClickLogs).Where(r => r.IsFileLevel).Select(r => (r.File, r.Reason)));
        Assert.Equal(1, summary.ClickRejectionsByReason["refused by the store"]);
    }

    [Fact]
    public async Task PrepareAsync_NoLabels_ThrowsUnusableDrop()
    {
        var (clicks, _) = await SmallDropAsync();
        using var output = new PreparedOutput();

        var error = await Assert.ThrowsAsync<UnusableDropException>(() =>
            new DatasetPreparer(new PrepareDataOptions()).PrepareAsync(clicks, [], output.Sink, TestContext.Current.CancellationToken));

        Assert.Equal("the drop cannot train or evaluate a ranker: no usable label rows: 0 file(s), 0 row(s) read, 0 rejected", error.Message);
    }

    [Fact]
    public async Task PrepareAsync_NoLabelledTestQuery_ThrowsUnusableDrop()
    {
        var (clicks, _) = await SmallDropAsync();
        var labels = await FileAsync("labels.tsv", [new LabelRow(_train, "Title 1", "", "https://x.test/1", 3)]);
        using var output = new PreparedOutput();

        var error = await Assert.ThrowsAsync<UnusableDropException>(() =>
            new DatasetPreparer(new PrepareDataOptions()).PrepareAsync(clicks, [labels], output.Sink, TestContext.Current.CancellationToken));

        Assert.Equal(
            "the drop cannot train or evaluate a ranker: no labelled query falls in the test split (1 train, 0 dev): nothing to evaluate on",
            error.Message);
    }
}
