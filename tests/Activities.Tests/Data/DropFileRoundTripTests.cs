using RankDistill.Activities.Data;
using RankDistill.Activities.Tests.Storage;
using RankDistill.Testing;

namespace RankDistill.Activities.Tests.Data;

public sealed class DropFileRoundTripTests(AzuriteFixture azurite)
{
    public static TheoryData<string> FileNames => ["part.jsonl", "part.jsonl.gz", "part.tsv", "part.tsv.gz", "part.parquet", "PART.JSONL"];

    /// <summary>Rows that stress each format: optional fields absent, escapes, non-ASCII, sub-second times.</summary>
    internal static readonly ClickLogRow[] ClickRows =
    [
        new("cheap flights", "Cheap Flights | Kalimo", "Compare airfare.", "https://www.kalimo.com/travel/1", 1, true, 53_000, "s-1", DateTimeOffset.Parse("2024-03-01T08:15:42Z")),
        new("cheap flights", "Tab\there, newline\nthere, back\\slash", "", "https://www.kalimo.com/travel/2", 2, false),
        new("café crème", "Crème brûlée — « recette »", "Ünïcödé 漢字 summary", "https://example.org/a?b=c&d=e", 10, false, null, null,
            DateTimeOffset.Parse("2024-03-01T08:15:42.125Z")),
        new("q", "t", "s", "http://x.test/", int.MaxValue, true, 0, "12345", null),
    ];

    internal static readonly LabelRow[] LabelRows =
    [
        new("cheap flights", "Cheap Flights | Kalimo", "Compare airfare.", "https://www.kalimo.com/travel/1", 4),
        new("cheap flights", "Tab\there", "", "https://www.kalimo.com/travel/2", 0),
        new("café", "Crème", "漢字", "https://example.org/a", 2),
    ];

    [Theory]
    [MemberData(nameof(FileNames))]
    public async Task ClickLogs_WrittenThenRead_SameRowsNoRejections(string fileName)
    {
        using var stream = new MemoryStream();
        await DropFileWriter.WriteClickLogsAsync(stream, fileName, ClickRows, TestContext.Current.CancellationToken);
        stream.Position = 0;

        var results = await DropFileReader.ReadClickLogsAsync(stream, fileName, TestContext.Current.CancellationToken).ToListAsync(TestContext.Current.CancellationToken);

        Assert.All(results, r => Assert.Null(r.Rejection));
        Assert.Equal(ClickRows, results.Select(r => r.Row));
    }

    [Theory]
    [InlineData("many.jsonl")]
    [InlineData("many.tsv.gz")]
    public async Task ClickLogs_ManyRowsAcrossReadBuffers_SameRows(string fileName)
    {
        // Far more than one read of bytes: multi-byte characters and line ends fall across every buffer boundary.
        var rows = Enumerable.Range(0, 3_000).Select(i => ClickRows[i % ClickRows.Length] with { Position = i + 1 }).ToArray();
        using var stream = new MemoryStream();
        await DropFileWriter.WriteClickLogsAsync(stream, fileName, rows, TestContext.Current.CancellationToken);
        stream.Position = 0;

        var results = await DropFileReader.ReadClickLogsAsync(stream, fileName, TestContext.Current.CancellationToken).ToListAsync(TestContext.Current.CancellationToken);

        Assert.Equal(rows, results.Select(r => r.Row));
    }

    [Theory]
    [MemberData(nameof(FileNames))]
    public async Task Labels_WrittenThenRead_SameRowsNoRejections(string fileName)
    {
        using var stream = new MemoryStream();
        await DropFileWriter.WriteLabelsAsync(stream, fileName, LabelRows, TestContext.Current.CancellationToken);
        stream.Position = 0;

        var results = await DropFileReader.ReadLabelsAsync(stream, fileName, TestContext.Current.CancellationToken).ToListAsync(TestContext.Current.CancellationToken);

        Assert.All(results, r => Assert.Null(r.Rejection));
        Assert.Equal(LabelRows, results.Select(r => r.Row));
    }

    [Fact]
    public async Task ClickLogs_ParquetThroughTheBlobStoresStreams_ReadsBackAllRows()
    {
        // The streams a drop file really travels through: the blob store's upload and download, neither of which seeks.
        await using var target = StoreUnderTest.Blob(azurite);
        var seekable = new List<bool>();

        await target.Store.WriteAsync("clicklogs/d1/a.parquet", (s, ct) =>
        {
            seekable.Add(s.CanSeek);
            return DropFileWriter.WriteClickLogsAsync(s, "a.parquet", ClickRows, ct);
        }, TestContext.Current.CancellationToken);
        await using var read = await target.Store.OpenReadAsync("clicklogs/d1/a.parquet", TestContext.Current.CancellationToken);
        seekable.Add(read.CanSeek);
        var rows = await DropFileReader.ReadClickLogsAsync(read, "a.parquet", TestContext.Current.CancellationToken)
            .Select(r => r.Row).ToListAsync(TestContext.Current.CancellationToken);

        Assert.Equal([false, false], seekable);
        Assert.Equal(ClickRows, rows);
    }

    [Fact]
    public async Task ReadClickLogs_ParquetWithSeveralRowGroups_NumbersRowsAcrossGroups()
    {
        var rows = Enumerable.Range(1, 45_000)
            .Select(i => new ClickLogRow("q", "t", "s", "https://x.test/" + i, i, i % 3 == 0))
            .Select(r => r.Position == 44_000 ? r with { Url = "" } : r)
            .ToList();
        using var stream = new MemoryStream();
        await DropFileWriter.WriteAsync(stream, "big.parquet", rows, ClickLogSchema.Instance, TestContext.Current.CancellationToken);
        stream.Position = 0;

        var results = await DropFileReader.ReadClickLogsAsync(stream, "big.parquet", TestContext.Current.CancellationToken).ToListAsync(TestContext.Current.CancellationToken);

        Assert.Equal(45_000, results.Count);
        var rejected = Assert.Single(results, r => r.Rejection is not null).Rejection!;
        Assert.Equal(44_000, rejected.RowNumber);
        Assert.Equal("missing url", rejected.Reason);
    }
}
