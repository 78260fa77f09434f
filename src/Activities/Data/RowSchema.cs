namespace RankDistill.Activities.Data;

/// <summary>
/// The columns of one kind of drop row and how to validate a raw record into it: shared by
/// every format, so a bad value gets the same reason in JSONL, TSV and Parquet.
/// </summary>
internal abstract class RowSchema<T>
    where T : class
{
    public abstract IReadOnlyList<ColumnSpec> Columns { get; }

    /// <summary>The row, or null with <see cref="FieldReader.Error"/> set to the reason.</summary>
    public abstract T? Parse(FieldReader fields);

    /// <summary>The row's values in <see cref="Columns"/> order: string, long?, bool? or DateTimeOffset?.</summary>
    public abstract object?[] Values(T row);

    public ParsedRow<T> Parse(RawRecord record, string file, long rowNumber, Func<string> rawText)
    {
        var fields = new FieldReader(record);
        var row = Parse(fields);
        return row is not null && fields.Error is null
            ? ParsedRow<T>.Accepted(row)
            : ParsedRow<T>.Rejected(RejectedRow.ForRow(file, rowNumber, fields.Error ?? "invalid row", rawText()));
    }

    /// <summary>Checks a URL is absolute http(s): on Unix "/a/b" would otherwise pass as a file URI.</summary>
    protected static void RequireWebUrl(FieldReader fields, string url)
    {
        if (url.Length > 0
            && !(Uri.TryCreate(url, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)))
            fields.Fail($"url is not an absolute http(s) URL: '{url}'");
    }
}
