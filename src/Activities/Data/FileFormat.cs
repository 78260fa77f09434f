namespace RankDistill.Activities.Data;

internal enum RowFormat
{
    Jsonl,
    Tsv,
    Parquet,
}

/// <summary>A data file's format, told by its extension: .jsonl, .tsv, .parquet; text formats may add .gz.</summary>
internal readonly record struct FileFormat(RowFormat Format, bool Gzip)
{
    public const string Supported = ".jsonl, .jsonl.gz, .tsv, .tsv.gz or .parquet";

    public static FileFormat? FromFileName(string fileName)
    {
        var name = Path.GetFileName(fileName);
        var gzip = name.EndsWith(".gz", StringComparison.OrdinalIgnoreCase);
        if (gzip)
            name = name[..^3];
        if (name.EndsWith(".jsonl", StringComparison.OrdinalIgnoreCase))
            return new FileFormat(RowFormat.Jsonl, gzip);
        if (name.EndsWith(".tsv", StringComparison.OrdinalIgnoreCase))
            return new FileFormat(RowFormat.Tsv, gzip);
        if (name.EndsWith(".parquet", StringComparison.OrdinalIgnoreCase) && !gzip)
            return new FileFormat(RowFormat.Parquet, Gzip: false);
        return null;
    }
}
