using System.IO.Compression;
using System.Text;

namespace RankDistill.Activities.Data;

/// <summary>
/// Writes rows in the format the file name says, the inverse of <see cref="DropFileReader"/>:
/// what it writes reads back to equal rows. Used by tests and the demo to make drops.
/// </summary>
public static class DropFileWriter
{
    public static Task WriteClickLogsAsync(Stream stream, string fileName, IEnumerable<ClickLogRow> rows, CancellationToken cancellationToken = default) =>
        WriteAsync(stream, fileName, rows, ClickLogSchema.Instance, cancellationToken);

    public static Task WriteLabelsAsync(Stream stream, string fileName, IEnumerable<LabelRow> rows, CancellationToken cancellationToken = default) =>
        WriteAsync(stream, fileName, rows, LabelSchema.Instance, cancellationToken);

    /// <summary>One click-log row as a JSON Lines line (no newline), for writers that compose files themselves.</summary>
    public static string ToJsonLine(ClickLogRow row) => JsonlRows.FormatLine(row, ClickLogSchema.Instance);

    /// <summary>One label row as a JSON Lines line (no newline).</summary>
    public static string ToJsonLine(LabelRow row) => JsonlRows.FormatLine(row, LabelSchema.Instance);

    internal static async Task WriteAsync<T>(Stream stream, string fileName, IEnumerable<T> rows, RowSchema<T> schema, CancellationToken cancellationToken)
        where T : class
    {
        var format = FileFormat.FromFileName(fileName)
            ?? throw new ArgumentException($"'{fileName}' is not a supported data file: expected {FileFormat.Supported}", nameof(fileName));
        if (format.Format == RowFormat.Parquet)
        {
            await ParquetRows.WriteAsync(stream, rows, schema, cancellationToken);
            return;
        }
        await using var compressed = format.Gzip ? new GZipStream(stream, CompressionLevel.Optimal, leaveOpen: true) : null;
        await using var writer = new StreamWriter(compressed ?? stream, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), 1 << 16, leaveOpen: true)
        {
            NewLine = "\n",
        };
        if (format.Format == RowFormat.Tsv)
            await writer.WriteLineAsync(TsvRows.FormatHeader(schema).AsMemory(), cancellationToken);
        foreach (var row in rows)
        {
            var line = format.Format == RowFormat.Jsonl ? JsonlRows.FormatLine(row, schema) : TsvRows.FormatLine(row, schema);
            await writer.WriteLineAsync(line.AsMemory(), cancellationToken);
        }
    }
}
