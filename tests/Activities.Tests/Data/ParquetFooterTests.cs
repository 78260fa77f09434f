using System.Buffers.Binary;
using Parquet;
using RankDistill.Activities.Data;

namespace RankDistill.Activities.Tests.Data;

/// <summary>Parquet files whose footer lies about sizes: rejected with the reason before anything is allocated for them.</summary>
public sealed class ParquetFooterTests
{
    private const int Rows = 1234;

    private static readonly ClickLogRow[] _rows =
        [.. Enumerable.Range(0, Rows).Select(i => new ClickLogRow($"q{i}", "t", "s", $"https://x.test/{i}", 1, i % 2 == 0))];

    private static async Task<byte[]> WriteAsync()
    {
        using var stream = new MemoryStream();
        await DropFileWriter.WriteClickLogsAsync(stream, "p.parquet", _rows, TestContext.Current.CancellationToken);
        return stream.ToArray();
    }

    /// <summary>Thrift compact: an i64 field one id after the previous one (0x16), then the zigzag varint of the value.</summary>
    private static byte[] I64Field(long value)
    {
        var bytes = new List<byte> { 0x16 };
        for (var v = (ulong)((value << 1) ^ (value >> 63)); ; v >>= 7)
        {
            if (v < 0x80)
            {
                bytes.Add((byte)v);
                return [.. bytes];
            }
            bytes.Add((byte)(v | 0x80));
        }
    }

    /// <summary>
    /// The file with its row group's num_rows set to <paramref name="claimed"/>: the last i64 field holding the row count
    /// in the footer (FileMetaData.num_rows comes first, then each column's num_values, then RowGroup.num_rows).
    /// </summary>
    private static byte[] ClaimRows(byte[] file, long claimed)
    {
        var footerLength = BinaryPrimitives.ReadInt32LittleEndian(file.AsSpan(file.Length - 8));
        var footerStart = file.Length - 8 - footerLength;
        var footer = file.AsSpan(footerStart, footerLength);
        var at = footer.LastIndexOf(I64Field(Rows));
        Assert.True(at >= 0, "row count not found in the footer");
        byte[] patched = [.. footer[..at], .. I64Field(claimed), .. footer[(at + I64Field(Rows).Length)..]];
        var length = new byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(length, patched.Length);
        return [.. file.AsSpan(0, footerStart), .. patched, .. length, .. "PAR1"u8];
    }

    private static async Task<List<ParsedRow<ClickLogRow>>> ReadAsync(byte[] content, DropFileLimits? limits = null) =>
        await DropFileReader.ReadClickLogsAsync(new MemoryStream(content), "p.parquet", limits ?? new DropFileLimits(), TestContext.Current.CancellationToken)
            .ToListAsync(TestContext.Current.CancellationToken);

    [Fact]
    public async Task ReadClickLogs_FooterClaims20MillionRows_RejectedSayingWhatTheColumnsHold()
    {
        var content = ClaimRows(await WriteAsync(), 20_000_000);
        await using (var check = await ParquetReader.CreateAsync(new MemoryStream(content), cancellationToken: TestContext.Current.CancellationToken))
            Assert.Equal(20_000_000, check.RowGroups[0].RowCount); // the patch hit the row group's count

        var rejected = Assert.Single(await ReadAsync(content)).Rejection!;

        Assert.True(rejected.IsFileLevel);
        Assert.Equal($"inconsistent Parquet metadata: row group 0 claims 20000000 rows, but column query holds {Rows} values", rejected.Reason);
    }

    [Fact]
    public async Task ReadClickLogs_RowGroupOverLimit_RejectedNamingTheSetting()
    {
        var rejected = Assert.Single(await ReadAsync(await WriteAsync(), new DropFileLimits { MaxRowGroupRows = 1000 })).Rejection!;

        Assert.Equal(
            new RejectedRow("p.parquet", 0, $"row group too large: row group 0 has {Rows} rows, more than 1000 (setting MaxRowGroupRows)", ""),
            rejected);
    }

    [Fact]
    public async Task ReadClickLogs_UnpatchedFile_AllRowsRead()
    {
        var results = await ReadAsync(await WriteAsync());

        Assert.Equal(_rows, results.Select(r => r.Row));
    }
}
