using System.Runtime.CompilerServices;
using Parquet;
using Parquet.Schema;

namespace RankDistill.Activities.Data;

/// <summary>
/// Parquet files, read one row group at a time (memory stays one row group, whose size is checked against the
/// columns and <see cref="DropFileLimits.MaxRowGroupRows"/> before anything is allocated for it). Columns are
/// top-level fields named as the schema's columns (any case); integer, floating, boolean,
/// string and timestamp physical types are accepted and validated like the text formats.
/// </summary>
internal static partial class ParquetRows
{
    public static async IAsyncEnumerable<ParsedRow<T>> ReadAsync<T>(
        Stream stream, string file, RowSchema<T> schema, DropFileLimits limits, [EnumeratorCancellation] CancellationToken cancellationToken)
        where T : class
    {
        // The footer is at the end, so the reader seeks; a blob download stream cannot, so it is
        // spooled to a temporary file (not memory: drops can be large). The copy's own I/O errors propagate.
        await using var spool = stream.CanSeek ? null : await SpoolAsync(stream, cancellationToken);
        var (reader, failure) = await OpenAsync(spool ?? stream, cancellationToken);
        if (reader is null)
        {
            yield return ParsedRow<T>.Rejected(RejectedRow.ForFile(file, $"not a Parquet file: {failure}"));
            yield break;
        }
        await using (reader)
        {
            var (columns, problem) = MapColumns(reader.Schema, schema);
            if (problem is not null)
            {
                yield return ParsedRow<T>.Rejected(RejectedRow.ForFile(file, problem));
                yield break;
            }
            long rowsBefore = 0;
            for (var group = 0; group < reader.RowGroupCount; group++)
            {
                var (values, readFailure) = await ReadRowGroupAsync(reader, group, columns, limits, cancellationToken);
                if (values is null)
                {
                    yield return ParsedRow<T>.Rejected(RejectedRow.ForFile(file, readFailure!));
                    yield break;
                }
                var rowCount = values.Length == 0 ? 0 : values[0].Length;
                for (var i = 0; i < rowCount; i++)
                {
                    var record = new RawRecord();
                    for (var c = 0; c < columns.Count; c++)
                        record.Set(columns[c].Name, values[c][i]);
                    yield return schema.Parse(record, file, rowsBefore + i + 1, record.ToJson);
                }
                rowsBefore += rowCount;
            }
        }
    }

    private static async Task<FileStream> SpoolAsync(Stream stream, CancellationToken cancellationToken)
    {
        var spool = new FileStream(
            Path.Combine(Path.GetTempPath(), $"rankdistill-{Guid.NewGuid():N}.parquet"),
            FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 16, FileOptions.DeleteOnClose | FileOptions.Asynchronous);
        try
        {
            await stream.CopyToAsync(spool, cancellationToken);
            spool.Position = 0;
            return spool;
        }
        catch
        {
            await spool.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Opening parses the footer; a file that is not Parquet, or is truncated, fails in many ways
    /// (IOException from the magic-number check, thrift decoding errors...), all of them the data's fault.
    /// </summary>
    private static async Task<(ParquetReader? Reader, string? Failure)> OpenAsync(Stream stream, CancellationToken cancellationToken)
    {
        try
        {
            return (await ParquetReader.CreateAsync(stream, leaveStreamOpen: true, cancellationToken: cancellationToken), null);
        }
        catch (Exception e) when (IsDataFault(e))
        {
            return (null, e.Message);
        }
    }

    private static bool IsDataFault(Exception e) => e is not (OperationCanceledException or OutOfMemoryException);

    private static (List<DataField> Columns, string? Problem) MapColumns<T>(ParquetSchema fileSchema, RowSchema<T> schema)
        where T : class
    {
        var columns = new List<DataField>();
        var topLevel = fileSchema.Fields.OfType<DataField>().ToList();
        foreach (var spec in schema.Columns)
        {
            var field = topLevel.FirstOrDefault(f => f.Name.Equals(spec.Name, StringComparison.OrdinalIgnoreCase));
            if (field is null)
            {
                if (spec.Required)
                    return (columns, $"lacks a required column: {spec.Name}");
                continue;
            }
            if (field.IsArray || !IsSupported(field.ClrType))
                return (columns, $"unsupported column type: {field.Name} is {(field.IsArray ? "a list of " : "")}{field.ClrType.Name}");
            columns.Add(field);
        }
        return (columns, null);
    }
}
