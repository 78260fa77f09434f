using System.IO.Compression;
using System.Runtime.CompilerServices;
using System.Text;

namespace RankDistill.Activities.Data;

/// <summary>
/// Reads the rows of one drop file, in the format its name says (.jsonl, .jsonl.gz, .tsv,
/// .tsv.gz, .parquet), streaming. Never throws for bad data: each bad row comes back as a
/// <see cref="RejectedRow"/> with its reason, and a file that cannot be read at all (bad gzip,
/// not Parquet, unknown extension, a header without a required column) as one file-level
/// rejection, after whatever rows could be read before the damage. I/O errors and
/// cancellation do propagate: they are not the data's fault, and a retry may succeed.
/// </summary>
public static class DropFileReader
{
    /// <summary>Whether <paramref name="fileName"/> has an extension the readers know.</summary>
    public static bool IsSupported(string fileName) => FileFormat.FromFileName(fileName) is not null;

    public static IAsyncEnumerable<ParsedRow<ClickLogRow>> ReadClickLogsAsync(
        Stream stream, string fileName, CancellationToken cancellationToken = default) =>
        ReadAsync(stream, fileName, ClickLogSchema.Instance, cancellationToken);

    public static IAsyncEnumerable<ParsedRow<LabelRow>> ReadLabelsAsync(
        Stream stream, string fileName, CancellationToken cancellationToken = default) =>
        ReadAsync(stream, fileName, LabelSchema.Instance, cancellationToken);

    internal static async IAsyncEnumerable<ParsedRow<T>> ReadAsync<T>(
        Stream stream, string fileName, RowSchema<T> schema, [EnumeratorCancellation] CancellationToken cancellationToken)
        where T : class
    {
        if (FileFormat.FromFileName(fileName) is not { } format)
        {
            yield return ParsedRow<T>.Rejected(RejectedRow.ForFile(fileName, $"unsupported file type: expected {FileFormat.Supported}"));
            yield break;
        }
        if (format.Format == RowFormat.Parquet)
        {
            await foreach (var row in ParquetRows.ReadAsync(stream, fileName, schema, cancellationToken))
                yield return row;
            yield break;
        }
        await using var decompressed = format.Gzip ? new GZipStream(stream, CompressionMode.Decompress, leaveOpen: true) : null;
        using var reader = new StreamReader(decompressed ?? stream, Encoding.UTF8, detectEncodingFromByteOrderMarks: true, leaveOpen: true);
        var rows = format.Format == RowFormat.Jsonl
            ? JsonlRows.ReadAsync(reader, fileName, schema, cancellationToken)
            : TsvRows.ReadAsync(reader, fileName, schema, cancellationToken);
        await foreach (var row in rows)
            yield return row;
    }
}
