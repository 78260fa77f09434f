using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using RankDistill.Activities.Data;

namespace RankDistill.Activities.Tests.Data;

/// <summary>Damaged .jsonl.gz files, made with GZipStream and then cut or patched: read up to the damage, then rejected.</summary>
public sealed class GzipIntegrityTests
{
    private const int Rows = 20_000;
    private const string TruncatedOrCorrupt = "truncated or corrupt gzip";

    private static byte[] Line(int i) =>
        Encoding.UTF8.GetBytes($$"""{"query":"q{{i}}","title":"t","url":"https://x.test/{{i * 7919 % 100_003}}","position":1,"clicked":true}""" + "\n");

    /// <summary>One gzip member of rows [from, to); <paramref name="flushAfter"/> rows in, a sync flush, whose offset comes back.</summary>
    private static (byte[] Bytes, long FlushOffset) Member(int from, int to, int flushAfter = -1)
    {
        using var compressed = new MemoryStream();
        long flushOffset = -1;
        using (var gzip = new GZipStream(compressed, CompressionLevel.Optimal, leaveOpen: true))
        {
            for (var i = from; i < to; i++)
            {
                if (i - from == flushAfter)
                {
                    gzip.Flush(); // a sync flush: every byte so far can be decoded from the bytes written so far
                    flushOffset = compressed.Length;
                }
                gzip.Write(Line(i));
            }
        }
        return (compressed.ToArray(), flushOffset);
    }

    private static async Task<List<ParsedRow<ClickLogRow>>> ReadAsync(byte[] content) =>
        await DropFileReader.ReadClickLogsAsync(new MemoryStream(content), "a.jsonl.gz", TestContext.Current.CancellationToken)
            .ToListAsync(TestContext.Current.CancellationToken);

    private static void AssertRowsThenRejection(List<ParsedRow<ClickLogRow>> results, int rows)
    {
        Assert.Equal(rows, results.Count(r => r.Row is not null));
        var rejected = Assert.Single(results, r => r.Rejection is not null).Rejection!;
        Assert.Same(rejected, results[^1].Rejection);
        Assert.True(rejected.IsFileLevel, rejected.ToString());
        Assert.Equal(TruncatedOrCorrupt, RejectionReasons.KindOf(rejected.Reason));
    }

    [Fact]
    public async Task ReadClickLogs_GzipCutAtFlushPoint_RowsBeforeCutThenRejected()
    {
        var (bytes, flush) = Member(0, Rows, flushAfter: 7_000);

        var results = await ReadAsync(bytes[..(int)flush]);

        AssertRowsThenRejection(results, 7_000);
    }

    [Fact]
    public async Task ReadClickLogs_GzipCutMidStream_NoHalfLineRejectedOnlyTheFile()
    {
        var (bytes, _) = Member(0, Rows);

        var results = await ReadAsync(bytes[..(bytes.Length / 2)]);

        AssertRowsThenRejection(results, results.Count - 1);
        Assert.InRange(results.Count - 1, 1, Rows - 1);
    }

    [Theory]
    [InlineData(8)] // CRC32
    [InlineData(4)] // ISIZE
    public async Task ReadClickLogs_GzipTrailerWrong_AllRowsThenRejected(int fromEnd)
    {
        var (bytes, _) = Member(0, Rows);
        bytes[^fromEnd] ^= 0x01;

        var results = await ReadAsync(bytes);

        AssertRowsThenRejection(results, Rows);
    }

    [Fact]
    public async Task ReadClickLogs_GzipWithoutTrailer_Rejected()
    {
        var (bytes, _) = Member(0, Rows);

        AssertRowsThenRejection(await ReadAsync(bytes[..^8]), Rows);
    }

    [Fact]
    public async Task ReadClickLogs_MultiMemberGzip_EveryMemberRead()
    {
        var first = Member(0, 5_000).Bytes;
        var second = Member(5_000, Rows).Bytes;

        var results = await ReadAsync([.. first, .. second]);

        Assert.All(results, r => Assert.Null(r.Rejection));
        Assert.Equal(Enumerable.Range(0, Rows).Select(i => $"q{i}"), results.Select(r => r.Row!.Query));
    }

    [Fact]
    public async Task ReadClickLogs_MultiMemberGzipSecondCrcWrong_FirstMemberKeptThenRejected()
    {
        var first = Member(0, 5_000).Bytes;
        var second = Member(5_000, Rows).Bytes;
        BinaryPrimitives.WriteUInt32LittleEndian(second.AsSpan(second.Length - 8), 0xDEADBEEF);

        AssertRowsThenRejection(await ReadAsync([.. first, .. second]), Rows);
    }
}
