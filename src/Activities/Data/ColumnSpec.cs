namespace RankDistill.Activities.Data;

/// <summary>The value types a drop's columns hold, whatever the file format.</summary>
internal enum ColumnKind
{
    Text,
    Integer,
    Boolean,
    Timestamp,
}

/// <summary>One column of a row schema: its name in every format (JSON key, TSV header, Parquet field) and type.</summary>
internal sealed record ColumnSpec(string Name, ColumnKind Kind, bool Required);
