using System.Runtime.CompilerServices;

namespace RankDistill.Activities.Data;

/// <summary>
/// Reads the rows of one drop file, in the format its name says (.jsonl, .jsonl.gz, .tsv,
/// .tsv.gz, .parquet), streaming. Never throws for bad data: each bad row comes back as a
/// <see cref="RejectedRow"/> with its reason, and a file that cannot be read at all (bad gzip,
/// not Parquet, unknown extension, a header without a required column) as one file-level
/// rejection, after whatever rows could be read before the damage. Memory stays bounded whatever the file holds
/// (<see cref="DropFileLimits"/>): an overlong line is rejected, not built. I/O errors and
/// cancellation do propagate: they are not the data's fault, and a retry may succeed.
/// </summary>
public static class DropFileReader
{
    /// <summary>Whether <paramref name="fileName"/> has an extension the readers know.</summary>
    public static bool IsSupported(string fileName) => FileFormat.FromFileName(fileName) is not null;

    public static IAsyncEnumerable<ParsedRow<ClickLogRow>> ReadClickLogsAsync(
        Stream stream, string fileName, CancellationToken cancellationToken = default) =>
        ReadAsync(stream, fileName, ClickLogSchema.Instance, new DropFileLimits(), cancellationToken);

    public static IAsyncEnumerable<ParsedRow<ClickLogRow>> ReadClickLogsAsync(
        Stream stream, string fileName, DropFileLimits limits, CancellationToken cancellationToken = default) =>
        ReadAsync(stream, fileName, ClickLogSchema.Instance, limits, cancellationToken);

    public static IAsyncEnumerable<ParsedRow<LabelRow>> ReadLabelsAsync(
        Stream stream, string fileName, CancellationToken cancellationToken = default) =>
        ReadAsync(stream, fileName, LabelSchema.Instance, new DropFileLimits(), cancellationToken);

    public static IAsyncEnumerable<ParsedRow<LabelRow>> ReadLabelsAsync(
        Stream stream, string fileName, DropFileLimits limits, CancellationToken cancellationToken = default) =>
        ReadAsync(stream, fileName, LabelSchema.Instance, limits, cancellationToken);

    internal static async IAsyncEnumerable<ParsedRow<T>> ReadAsync<T>(
        Stream stream, string fileName, RowSchema<T> schema, DropFileLimits limits, [EnumeratorCancellation] CancellationToken cancellationToken)
        where T : class
    {
        limits.Validate();
        if (FileFormat.FromFileName(fileName) is not { } format)
        {
            yield return ParsedRow<T>.Rejected(RejectedRow.ForFile(fileName, $"unsupported file type: expected {FileFormat.Supported}"));
            yield break;
        }
        if (format.Format == RowFormat.Parquet)
        {
            await foreach (var row in ParquetRows.ReadAsync(stream, fileName, schema, limits, cancellationToken))
                yield return row;
            yield break;
        }
        await using var decompressed = format.Gzip ? new CheckedGzipStream(stream, limits.MaxDecompressedBytes) : null;
        var lines = new TextLines(decompressed ?? stream, fileName, limits.MaxLineLength);
        var rows = format.Format == RowFormat.Jsonl
            ? JsonlRows.ReadAsync(lines, schema, cancellationToken)
            : TsvRows.ReadAsync(lines, schema, cancellationToken);
        await foreach (var row in rows)
            yield return row;
    }
}
