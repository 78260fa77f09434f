namespace RankDistill.Activities.Data;

/// <summary>What a reader yields for each row: either the parsed row or why it was rejected.</summary>
public readonly record struct ParsedRow<T>
    where T : class
{
    private ParsedRow(T? row, RejectedRow? rejection)
    {
        Row = row;
        Rejection = rejection;
    }

    /// <summary>The parsed row; null when rejected.</summary>
    public T? Row { get; }

    /// <summary>Why the row (or the file) was rejected; null when parsed.</summary>
    public RejectedRow? Rejection { get; }

    public static ParsedRow<T> Accepted(T row) => new(row, null);

    public static ParsedRow<T> Rejected(RejectedRow rejection) => new(null, rejection);
}
