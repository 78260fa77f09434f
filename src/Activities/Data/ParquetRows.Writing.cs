using Parquet;
using Parquet.Schema;

namespace RankDistill.Activities.Data;

/// <summary>Writing rows as Parquet: one typed field a column, nullable where the column is optional.</summary>
internal static partial class ParquetRows
{
    /// <summary>Rows a row group: readers hold one group's columns in memory, so a group stays a few MB of text.</summary>
    public const int RowGroupSize = 20_000;

    public static async Task WriteAsync<T>(Stream stream, IEnumerable<T> rows, RowSchema<T> schema, CancellationToken cancellationToken)
        where T : class
    {
        // The writer seeks back over what it wrote; an upload stream cannot, so it writes a temporary file first.
        if (!stream.CanSeek)
        {
            await using var spool = new FileStream(
                Path.Combine(Path.GetTempPath(), $"rankdistill-{Guid.NewGuid():N}.parquet"),
                FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 16, FileOptions.DeleteOnClose | FileOptions.Asynchronous);
            await WriteAsync(spool, rows, schema, cancellationToken);
            spool.Position = 0;
            await spool.CopyToAsync(stream, cancellationToken);
            return;
        }
        var fields = schema.Columns.Select(ToField).ToArray();
        await using var writer = await ParquetWriter.CreateAsync(new ParquetSchema(fields), stream, cancellationToken: cancellationToken);
        foreach (var chunk in rows.Chunk(RowGroupSize))
        {
            using var rowGroup = writer.CreateRowGroup();
            var values = chunk.Select(schema.Values).ToArray();
            for (var c = 0; c < fields.Length; c++)
                await WriteColumnAsync(rowGroup, fields[c], schema.Columns[c], values, c, cancellationToken);
        }
    }

    private static DataField ToField(ColumnSpec column) => column.Kind switch
    {
        ColumnKind.Text => new DataField<string>(column.Name, nullable: !column.Required),
        ColumnKind.Integer => column.Required ? new DataField<long>(column.Name) : new DataField<long?>(column.Name),
        ColumnKind.Boolean => column.Required ? new DataField<bool>(column.Name) : new DataField<bool?>(column.Name),
        ColumnKind.Timestamp => new DataField<DateTime?>(column.Name),
        _ => throw new InvalidOperationException($"unknown column kind {column.Kind}"),
    };

    private static async Task WriteColumnAsync(
        ParquetRowGroupWriter rowGroup, DataField field, ColumnSpec column, object?[][] rows, int c, CancellationToken ct)
    {
        switch (column.Kind)
        {
            case ColumnKind.Text:
                await rowGroup.WriteAsync(field, rows.Select(r => (string?)r[c]).ToArray());
                break;
            case ColumnKind.Integer when column.Required:
                await rowGroup.WriteAsync<long>(field, rows.Select(r => (long)r[c]!).ToArray(), cancellationToken: ct);
                break;
            case ColumnKind.Integer:
                await rowGroup.WriteAsync<long>(field, rows.Select(r => (long?)r[c]).ToArray(), cancellationToken: ct);
                break;
            case ColumnKind.Boolean when column.Required:
                await rowGroup.WriteAsync<bool>(field, rows.Select(r => (bool)r[c]!).ToArray(), cancellationToken: ct);
                break;
            case ColumnKind.Boolean:
                await rowGroup.WriteAsync<bool>(field, rows.Select(r => (bool?)r[c]).ToArray(), cancellationToken: ct);
                break;
            case ColumnKind.Timestamp:
                await rowGroup.WriteAsync<DateTime>(
                    field, rows.Select(r => ((DateTimeOffset?)r[c])?.UtcDateTime).ToArray(), cancellationToken: ct);
                break;
            default:
                throw new InvalidOperationException($"unknown column kind {column.Kind}");
        }
    }
}
