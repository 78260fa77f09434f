using System.IO.Compression;
using System.Text;
using RankDistill.Activities.Data;

namespace RankDistill.Activities.Tests.Data;

/// <summary>Files that would take unbounded memory to read line by line: the reader rejects the excess and goes on.</summary>
public sealed class LineLimitTests
{
    private const string Good = """{"query":"q","title":"t","summary":"s","url":"https://x.test/1","position":1,"clicked":true}""";
    private const string TsvHeader = "query\ttitle\turl\tposition\tclicked\n";
    private const string TsvGood = "q\tt\thttps://x.test/1\t1\t1\n";

    private static async Task<List<ParsedRow<ClickLogRow>>> ReadAsync(string fileName, byte[] content, DropFileLimits? limits = null) =>
        await DropFileReader.ReadClickLogsAsync(new MemoryStream(content), fileName, limits ?? new DropFileLimits(), TestContext.Current.CancellationToken)
            .ToListAsync(TestContext.Current.CancellationToken);

    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    [Fact]
    public async Task ReadClickLogs_GzipWith400MillionCharacterLine_LineRejectedWithItsStartAndNextLineRead()
    {
        // 400 million repeated bytes compress to about 400 KB; they are written a chunk at a time, never held whole.
        using var compressed = new MemoryStream();
        await using (var gzip = new GZipStream(compressed, CompressionLevel.Optimal, leaveOpen: true))
        {
            gzip.Write(Utf8(Good + "\n{\"query\":\""));
            var chunk = new byte[1_000_000];
            chunk.AsSpan().Fill((byte)'x');
            for (var i = 0; i < 400; i++)
                gzip.Write(chunk);
            gzip.Write(Utf8("\"}\n" + Good + "\n"));
        }
        Assert.InRange(compressed.Length, 1, 1_000_000);

        var results = await ReadAsync("a.jsonl.gz", compressed.ToArray());

        Assert.Equal(3, results.Count);
        Assert.NotNull(results[0].Row);
        var rejected = results[1].Rejection!;
        Assert.Equal(2, rejected.RowNumber);
        Assert.Equal("line too long: more than 1048576 characters (setting MaxLineLength)", rejected.Reason);
        Assert.Equal("{\"query\":\"" + new string('x', RejectedRow.MaxRawTextLength - 10), rejected.RawText);
        Assert.NotNull(results[2].Row);
    }

    [Fact]
    public async Task ReadClickLogs_TsvLongLine_RejectedWithItsStartAndNextLineRead()
    {
        var longLine = "q\t" + new string('t', 10_000) + "\thttps://x.test/1\t1\t1\n";

        var results = await ReadAsync("a.tsv", Utf8(TsvHeader + TsvGood + longLine + TsvGood), new DropFileLimits { MaxLineLength = 5_000 });

        Assert.Equal(3, results.Count);
        Assert.NotNull(results[0].Row);
        Assert.Equal(new RejectedRow("a.tsv", 3, "line too long: more than 5000 characters (setting MaxLineLength)", longLine[..RejectedRow.MaxRawTextLength]), results[1].Rejection);
        Assert.NotNull(results[2].Row);
    }

    [Fact]
    public async Task ReadClickLogs_TsvHeaderTooLong_FileRejected()
    {
        var header = "query\ttitle\turl\tposition\tclicked\t" + new string('h', 6_000) + "\n";

        var results = await ReadAsync("a.tsv", Utf8(header + TsvGood), new DropFileLimits { MaxLineLength = 5_000 });

        Assert.Equal(new RejectedRow("a.tsv", 0, "header too long: more than 5000 characters (setting MaxLineLength)", ""), Assert.Single(results).Rejection);
    }

    [Fact]
    public async Task ReadClickLogs_GzipPastDecompressedLimit_RowsBeforeThenFileRejected()
    {
        using var compressed = new MemoryStream();
        await using (var gzip = new GZipStream(compressed, CompressionLevel.Optimal, leaveOpen: true))
        {
            for (var i = 0; i < 1_000; i++)
                gzip.Write(Utf8(Good + "\n"));
        }

        var results = await ReadAsync("a.jsonl.gz", compressed.ToArray(), new DropFileLimits { MaxDecompressedBytes = 10_000 });

        var rejected = results[^1].Rejection!;
        Assert.True(rejected.IsFileLevel);
        Assert.StartsWith("decompressed size over the limit: after line ", rejected.Reason, StringComparison.Ordinal);
        Assert.EndsWith(": more than 10000 bytes (setting MaxDecompressedBytes)", rejected.Reason, StringComparison.Ordinal);
        Assert.InRange(results.Count(r => r.Row is not null), 10_000 / (Good.Length + 1) - 100, 10_000 / (Good.Length + 1));
        Assert.Single(results, r => r.Rejection is not null);
    }

    [Fact]
    public async Task ReadClickLogs_CrLfAndCrLineEnds_EachEndsALine()
    {
        var results = await ReadAsync("a.jsonl", Utf8($"{Good}\r\n{Good}\r{Good}\n\r\n{Good}"));

        Assert.Equal(4, results.Count);
        Assert.All(results, r => Assert.NotNull(r.Row));
    }
}
