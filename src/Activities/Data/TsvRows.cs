using System.Runtime.CompilerServices;
using System.Text;

namespace RankDistill.Activities.Data;

/// <summary>
/// Tab-separated values with a header row naming the columns (any order, any case; unknown
/// columns ignored). Values escape backslash, tab, newline and carriage return as \\, \t, \n
/// and \r (the "linear TSV" convention), since TSV has no quoting. An empty cell is a missing value.
/// </summary>
internal static class TsvRows
{
    public static async IAsyncEnumerable<ParsedRow<T>> ReadAsync<T>(
        TextLines lines, RowSchema<T> schema, [EnumeratorCancellation] CancellationToken cancellationToken)
        where T : class
    {
        var file = lines.File;
        var (header, tooLong, failure) = await lines.ReadLineAsync(cancellationToken);
        if (failure is not null)
        {
            yield return ParsedRow<T>.Rejected(failure);
            yield break;
        }
        if (header is null)
            yield break; // an empty file has no rows and nothing wrong with it
        if (tooLong)
        {
            yield return ParsedRow<T>.Rejected(RejectedRow.ForFile(file, lines.TooLongReason("header")));
            yield break;
        }
        var names = header.Split('\t').Select(n => n.Trim()).ToArray();
        var missing = schema.Columns.FirstOrDefault(c => c.Required && !names.Contains(c.Name, StringComparer.OrdinalIgnoreCase));
        if (missing is not null)
        {
            yield return ParsedRow<T>.Rejected(RejectedRow.ForFile(file, $"header lacks a required column: {missing.Name} (header: '{header}')"));
            yield break;
        }

        await foreach (var line in lines.ReadAsync(cancellationToken))
        {
            yield return line.Failure is { } lineFailure
                ? ParsedRow<T>.Rejected(lineFailure)
                : ParseLine(line.Text, file, line.Number, names, schema);
        }
    }

    private static ParsedRow<T> ParseLine<T>(string line, string file, long lineNumber, string[] names, RowSchema<T> schema)
        where T : class
    {
        var cells = line.Split('\t');
        if (cells.Length != names.Length)
            return ParsedRow<T>.Rejected(RejectedRow.ForRow(file, lineNumber, $"wrong number of fields: expected {names.Length}, found {cells.Length}", line));
        var record = new RawRecord();
        for (var i = 0; i < names.Length; i++)
            record.Set(names[i], cells[i].Length == 0 ? null : Unescape(cells[i]));
        return schema.Parse(record, file, lineNumber, () => line);
    }

    public static string FormatHeader<T>(RowSchema<T> schema)
        where T : class => string.Join('\t', schema.Columns.Select(c => c.Name));

    public static string FormatLine<T>(T row, RowSchema<T> schema)
        where T : class => string.Join('\t', schema.Values(row).Select(FormatValue));

    private static string FormatValue(object? value) => value switch
    {
        null => "",
        string s => Escape(s),
        bool b => b ? "true" : "false",
        long l => l.ToString(System.Globalization.CultureInfo.InvariantCulture),
        DateTimeOffset t => Timestamps.Format(t),
        _ => throw new InvalidOperationException($"unexpected column value type {value.GetType()}"),
    };

    private static string Escape(string value)
    {
        if (value.AsSpan().IndexOfAny("\\\t\n\r") < 0)
            return value;
        var builder = new StringBuilder(value.Length + 8);
        foreach (var c in value)
        {
            _ = c switch
            {
                '\\' => builder.Append("\\\\"),
                '\t' => builder.Append("\\t"),
                '\n' => builder.Append("\\n"),
                '\r' => builder.Append("\\r"),
                _ => builder.Append(c),
            };
        }
        return builder.ToString();
    }

    /// <summary>Unknown escapes stay as written: a stray backslash in a title is data, not an error.</summary>
    private static string Unescape(string value)
    {
        if (!value.Contains('\\', StringComparison.Ordinal))
            return value;
        var builder = new StringBuilder(value.Length);
        for (var i = 0; i < value.Length; i++)
        {
            if (value[i] == '\\' && i + 1 < value.Length)
            {
                var escaped = value[i + 1] switch { '\\' => '\\', 't' => '\t', 'n' => '\n', 'r' => '\r', _ => '\0' };
                if (escaped != '\0')
                {
                    builder.Append(escaped);
                    i++;
                    continue;
                }
            }
            builder.Append(value[i]);
        }
        return builder.ToString();
    }
}
