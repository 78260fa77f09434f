using System.IO.Compression;
using System.Text;
using Parquet;
using Parquet.Schema;
using RankDistill.Activities.Data;

namespace RankDistill.Activities.Tests.Data;

public sealed class RowValidationTests
{
    private const string Good = """{"query":"q","title":"t","summary":"s","url":"https://x.test/1","position":1,"clicked":true}""";

    private static async Task<List<ParsedRow<ClickLogRow>>> ReadClicksAsync(string fileName, byte[] content) =>
        await DropFileReader.ReadClickLogsAsync(new MemoryStream(content), fileName, TestContext.Current.CancellationToken)
            .ToListAsync(TestContext.Current.CancellationToken);

    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    [Theory]
    [InlineData("""{"title":"t","url":"https://x.test/1","position":1,"clicked":true}""", "missing query")]
    [InlineData("""{"query":"  ","title":"t","url":"https://x.test/1","position":1,"clicked":true}""", "missing query")]
    [InlineData("""{"query":"q","title":"t","url":"https://x.test/1","position":"x","clicked":true}""", "position is not an integer: 'x'")]
    [InlineData("""{"query":"q","title":"t","url":"https://x.test/1","position":1.5,"clicked":true}""", "position is not an integer: '1.5'")]
    [InlineData("""{"query":"q","title":"t","url":"https://x.test/1","position":0,"clicked":true}""", "position is below 1: 0")]
    [InlineData("""{"query":"q","title":"t","url":"https://x.test/1","position":1,"clicked":"maybe"}""", "clicked is not a boolean: 'maybe'")]
    [InlineData("""{"query":"q","title":"t","url":"https://x.test/1","position":1}""", "missing clicked")]
    [InlineData("""{"query":"q","title":"t","url":"https://x.test/1","position":1,"clicked":1,"dwell_ms":-5}""", "dwell_ms is negative: -5")]
    [InlineData("""{"query":"q","title":"t","url":"https://x.test/1","position":1,"clicked":0,"ts":"yesterday"}""", "ts is not a timestamp (ISO 8601 or epoch milliseconds): 'yesterday'")]
    [InlineData("""{"query":"q","title":"t","url":"/local/path","position":1,"clicked":true}""", "url is not an absolute http(s) URL: '/local/path'")]
    [InlineData("""{"query":["a"],"title":"t","url":"https://x.test/1","position":1,"clicked":true}""", "query is a JSON array, expected text: '[\"a\"]'")]
    [InlineData("""{"query":"q","title":"t","url":"https://x.test/1","position":1,"clicked":true""", "invalid JSON: column 78: Expected depth to be zero at the end of the JSON payload. There is an open JSON object or array that should be closed.")]
    [InlineData("""[1,2]""", "line is not a JSON object: Array")]
    [InlineData("""not json""", "invalid JSON: column 2: 'not json' is an invalid JSON literal. Expected the literal 'null'.")]
    public async Task ReadClickLogs_JsonlBadRow_RejectedWithReasonAndGoodRowsKept(string badLine, string reason)
    {
        var results = await ReadClicksAsync("a.jsonl", Utf8($"{Good}\n{badLine}\n\n{Good}\n"));

        Assert.Equal(2, results.Count(r => r.Row is not null));
        var rejected = Assert.Single(results, r => r.Rejection is not null).Rejection!;
        Assert.Equal(new RejectedRow("a.jsonl", 2, reason, badLine), rejected);
    }

    [Fact]
    public async Task ReadClickLogs_JsonlLenientValues_Accepted()
    {
        var line = """{"QUERY":" q ","Title":"t","url":"https://x.test/1","position":"3","clicked":"TRUE","dwell_ms":"1200","session_id":42,"ts":1709280942000,"extra":{"a":1}}""";

        var row = Assert.Single(await ReadClicksAsync("a.jsonl", Utf8(line))).Row;

        Assert.Equal(new ClickLogRow("q", "t", "", "https://x.test/1", 3, true, 1200, "42", DateTimeOffset.Parse("2024-03-01T08:15:42Z")), row);
    }

    [Fact]
    public async Task ReadClickLogs_TsvBadRows_RejectedWithReasons()
    {
        var tsv = "query\ttitle\turl\tposition\tclicked\textra\n"
            + "q\tt\thttps://x.test/1\t1\t1\tz\n"
            + "q\tt\thttps://x.test/1\t1\n"
            + "q\tt\thttps://x.test/1\tfirst\t1\tz\n"
            + "\tt\thttps://x.test/1\t1\t0\tz\n";

        var results = await ReadClicksAsync("a.tsv", Utf8(tsv));

        Assert.Equal(new ClickLogRow("q", "t", "", "https://x.test/1", 1, true), results[0].Row);
        Assert.Equal(
            [(3L, "wrong number of fields: expected 6, found 4"), (4L, "position is not an integer: 'first'"), (5L, "missing query")],
            results.Where(r => r.Rejection is not null).Select(r => (r.Rejection!.RowNumber, r.Rejection.Reason)));
    }

    [Fact]
    public async Task ReadClickLogs_TsvHeaderWithoutRequiredColumn_OneFileRejection()
    {
        var results = await ReadClicksAsync("a.tsv", Utf8("query\ttitle\turl\tclicked\nq\tt\thttps://x.test/1\t1\n"));

        var rejected = Assert.Single(results).Rejection!;
        Assert.True(rejected.IsFileLevel);
        Assert.Equal("header lacks a required column: position (header: 'query\ttitle\turl\tclicked')", rejected.Reason);
    }

    [Fact]
    public async Task ReadLabels_BadGrades_RejectedWithReasons()
    {
        var jsonl = """
            {"query":"q","title":"t","url":"https://x.test/1","grade":4}
            {"query":"q","title":"t","url":"https://x.test/2","grade":7}
            {"query":"q","title":"t","url":"https://x.test/3","grade":"high"}
            {"query":"q","title":"t","url":"https://x.test/4","grade":-1}
            {"query":"q","title":"t","url":"https://x.test/5"}
            """;

        var results = await DropFileReader.ReadLabelsAsync(new MemoryStream(Utf8(jsonl)), "l.jsonl", TestContext.Current.CancellationToken)
            .ToListAsync(TestContext.Current.CancellationToken);

        Assert.Equal(new LabelRow("q", "t", "", "https://x.test/1", 4), results[0].Row);
        Assert.Equal(
            ["grade outside 0–4: 7", "grade is not an integer: 'high'", "grade outside 0–4: -1", "missing grade"],
            results.Skip(1).Select(r => r.Rejection!.Reason));
    }

    [Fact]
    public async Task ReadClickLogs_ParquetWithBadValues_RejectedWithReasonsAndRawRow()
    {
        // A producer that wrote position as text and clicked as an int: values are validated like text formats.
        var query = new DataField<string>("query");
        var title = new DataField<string>("title");
        var url = new DataField<string>("url");
        var position = new DataField<string>("position");
        var clicked = new DataField<int>("clicked");
        using var stream = new MemoryStream();
        await using (var writer = await ParquetWriter.CreateAsync(new ParquetSchema(query, title, url, position, clicked), stream, cancellationToken: TestContext.Current.CancellationToken))
        {
            using var group = writer.CreateRowGroup();
            await group.WriteAsync(query, new[] { "q", "q", "q" });
            await group.WriteAsync(title, new[] { "t", "t", "t" });
            await group.WriteAsync(url, new[] { "https://x.test/1", "https://x.test/2", "https://x.test/3" });
            await group.WriteAsync(position, new[] { "1", "x", "3" });
            await group.WriteAsync<int>(clicked, new[] { 1, 0, 2 }, cancellationToken: TestContext.Current.CancellationToken);
        }

        var results = await ReadClicksAsync("p.parquet", stream.ToArray());

        Assert.Equal(new ClickLogRow("q", "t", "", "https://x.test/1", 1, true), results[0].Row);
        Assert.Equal(new RejectedRow("p.parquet", 2, "position is not an integer: 'x'",
            """{"query":"q","title":"t","url":"https://x.test/2","position":"x","clicked":0}"""), results[1].Rejection);
        Assert.Equal("clicked is not a boolean: '2'", results[2].Rejection!.Reason);
    }

    [Fact]
    public async Task ReadClickLogs_ParquetWithoutRequiredColumn_OneFileRejection()
    {
        using var stream = new MemoryStream();
        await DropFileWriter.WriteLabelsAsync(stream, "l.parquet", DropFileRoundTripTests.LabelRows, TestContext.Current.CancellationToken);

        var rejected = Assert.Single(await ReadClicksAsync("l.parquet", stream.ToArray())).Rejection!;

        Assert.Equal(new RejectedRow("l.parquet", 0, "lacks a required column: position", ""), rejected);
    }

    [Fact]
    public async Task ReadClickLogs_NotParquet_OneFileRejection()
    {
        var results = await ReadClicksAsync("p.parquet", Utf8(Good));

        var rejected = Assert.Single(results).Rejection!;
        Assert.True(rejected.IsFileLevel);
        Assert.StartsWith("not a Parquet file: ", rejected.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadClickLogs_TruncatedParquet_OneFileRejection()
    {
        using var stream = new MemoryStream();
        await DropFileWriter.WriteClickLogsAsync(stream, "p.parquet", DropFileRoundTripTests.ClickRows, TestContext.Current.CancellationToken);

        var results = await ReadClicksAsync("p.parquet", stream.ToArray()[..(int)(stream.Length / 2)]);

        Assert.True(Assert.Single(results).Rejection!.IsFileLevel);
    }

    [Fact]
    public async Task ReadClickLogs_NotGzip_OneFileRejection()
    {
        var results = await ReadClicksAsync("a.jsonl.gz", Utf8(Good + "\n" + Good));

        var rejected = Assert.Single(results).Rejection!;
        Assert.True(rejected.IsFileLevel);
        Assert.Equal("truncated or corrupt gzip: after line 0: the file does not start with a gzip header", rejected.Reason);
    }

    [Fact]
    public async Task ReadClickLogs_GzipCorruptedMidway_RowsBeforeKeptThenOneFileRejection()
    {
        using var compressed = new MemoryStream();
        await using (var gzip = new GZipStream(compressed, CompressionLevel.Optimal, leaveOpen: true))
        {
            // Distinct random-ish rows so the damaged bytes are in the middle of real deflate data.
            for (var i = 0; i < 5000; i++)
                gzip.Write(Utf8(Good.Replace("https://x.test/1", $"https://x.test/{i * 7919 % 100_003}", StringComparison.Ordinal) + "\n"));
        }
        var bytes = compressed.ToArray();
        for (var i = bytes.Length / 2; i < bytes.Length / 2 + 64; i++)
            bytes[i] ^= 0x5A;

        var results = await ReadClicksAsync("a.jsonl.gz", bytes);

        var last = results[^1].Rejection!;
        Assert.True(last.IsFileLevel, $"expected a file-level rejection last, got {last}");
        Assert.StartsWith("truncated or corrupt gzip: after line ", last.Reason, StringComparison.Ordinal);
        Assert.InRange(results.Count(r => r.Row is not null), 1, 4999);
    }

    [Fact]
    public async Task ReadClickLogs_UnknownExtension_OneFileRejection()
    {
        var rejected = Assert.Single(await ReadClicksAsync("a.csv", Utf8(Good))).Rejection!;

        Assert.Equal(new RejectedRow("a.csv", 0, "unsupported file type: expected .jsonl, .jsonl.gz, .tsv, .tsv.gz or .parquet", ""), rejected);
    }

    [Fact]
    public async Task ReadClickLogs_LongBadLine_RawTextCut()
    {
        var line = "{" + new string('x', 5000);

        var rejected = Assert.Single(await ReadClicksAsync("a.jsonl", Utf8(line))).Rejection!;

        Assert.Equal(RejectedRow.MaxRawTextLength, rejected.RawText.Length);
    }
}
