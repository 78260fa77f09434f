using System.Globalization;
using Parquet;
using Parquet.Schema;

namespace RankDistill.Activities.Data;

/// <summary>Reading one row group's columns into the boxed values a <see cref="RawRecord"/> holds.</summary>
internal static partial class ParquetRows
{
    private static readonly Type[] _supported =
    [
        typeof(string), typeof(ReadOnlyMemory<char>), typeof(bool),
        typeof(sbyte), typeof(byte), typeof(short), typeof(ushort), typeof(int), typeof(uint), typeof(long),
        typeof(float), typeof(double), typeof(DateTime), typeof(DateTimeOffset),
    ];

    private static bool IsSupported(Type clrType) => _supported.Contains(clrType);

    /// <summary>The row group's values, column by column; or the whole reason the file is rejected.</summary>
    private static async Task<(object?[][]? Values, string? Failure)> ReadRowGroupAsync(
        ParquetReader reader, int group, List<DataField> columns, DropFileLimits limits, CancellationToken cancellationToken)
    {
        try
        {
            using var rowGroup = reader.OpenRowGroupReader(group);
            if (SizeProblem(rowGroup, group, columns, limits) is { } problem)
                return (null, problem);
            var rows = (int)rowGroup.RowCount;
            var values = new object?[columns.Count][];
            for (var c = 0; c < columns.Count; c++)
                values[c] = await ReadColumnAsync(rowGroup, columns[c], rows, cancellationToken);
            return (values, null);
        }
        catch (Exception e) when (IsDataFault(e))
        {
            return (null, $"unreadable file: row group {group}: {e.Message}");
        }
    }

    /// <summary>
    /// The arrays are sized by the footer's row count, which a few changed bytes can make 20 million: it must agree
    /// with each column chunk's value count (flat columns hold one value, null or not, a row) and stay within the limit.
    /// </summary>
    private static string? SizeProblem(ParquetRowGroupReader rowGroup, int group, List<DataField> columns, DropFileLimits limits)
    {
        var rows = rowGroup.RowCount;
        foreach (var column in columns)
        {
            var values = rowGroup.GetMetadata(column)?.MetaData?.NumValues;
            if (values != rows)
                return $"inconsistent Parquet metadata: row group {group} claims {rows} rows, but column {column.Name} holds {values?.ToString(CultureInfo.InvariantCulture) ?? "no"} values";
        }
        return rows > limits.MaxRowGroupRows
            ? $"row group too large: row group {group} has {rows} rows, more than {limits.MaxRowGroupRows} (setting {nameof(DropFileLimits.MaxRowGroupRows)})"
            : null;
    }

    private static async Task<object?[]> ReadColumnAsync(ParquetRowGroupReader rowGroup, DataField field, int rows, CancellationToken ct)
    {
        var type = field.ClrType;
        if (type == typeof(string) || type == typeof(ReadOnlyMemory<char>))
        {
            var strings = new string?[rows];
            await rowGroup.ReadAsync(field, strings.AsMemory(), cancellationToken: ct);
            return [.. strings];
        }
        if (type == typeof(bool))
            return Box(await ReadStructsAsync<bool>(rowGroup, field, rows, ct), b => b);
        if (type == typeof(sbyte))
            return Box(await ReadStructsAsync<sbyte>(rowGroup, field, rows, ct), v => (long)v);
        if (type == typeof(byte))
            return Box(await ReadStructsAsync<byte>(rowGroup, field, rows, ct), v => (long)v);
        if (type == typeof(short))
            return Box(await ReadStructsAsync<short>(rowGroup, field, rows, ct), v => (long)v);
        if (type == typeof(ushort))
            return Box(await ReadStructsAsync<ushort>(rowGroup, field, rows, ct), v => (long)v);
        if (type == typeof(int))
            return Box(await ReadStructsAsync<int>(rowGroup, field, rows, ct), v => (long)v);
        if (type == typeof(uint))
            return Box(await ReadStructsAsync<uint>(rowGroup, field, rows, ct), v => (long)v);
        if (type == typeof(long))
            return Box(await ReadStructsAsync<long>(rowGroup, field, rows, ct), v => v);
        if (type == typeof(float))
            return Box(await ReadStructsAsync<float>(rowGroup, field, rows, ct), v => (double)v);
        if (type == typeof(double))
            return Box(await ReadStructsAsync<double>(rowGroup, field, rows, ct), v => v);
        if (type == typeof(DateTime))
            return Box(await ReadStructsAsync<DateTime>(rowGroup, field, rows, ct), AsUtc);
        if (type == typeof(DateTimeOffset))
            return Box(await ReadStructsAsync<DateTimeOffset>(rowGroup, field, rows, ct), v => v);
        throw new InvalidOperationException($"unsupported column type {type}"); // MapColumns rejected it already
    }

    private static async Task<TValue?[]> ReadStructsAsync<TValue>(ParquetRowGroupReader rowGroup, DataField field, int rows, CancellationToken ct)
        where TValue : struct
    {
        var values = new TValue?[rows];
        await rowGroup.ReadAsync<TValue>(field, values.AsMemory(), cancellationToken: ct);
        return values;
    }

    private static object?[] Box<TValue>(TValue?[] values, Func<TValue, object> box)
        where TValue : struct
    {
        var boxed = new object?[values.Length];
        for (var i = 0; i < values.Length; i++)
            boxed[i] = values[i] is { } v ? box(v) : null;
        return boxed;
    }

    /// <summary>Parquet timestamps carry no offset; writers that mark them local are rare, so they are taken as UTC.</summary>
    private static object AsUtc(DateTime value) =>
        new DateTimeOffset(value.Kind == DateTimeKind.Utc ? value : DateTime.SpecifyKind(value, DateTimeKind.Utc));
}
