namespace RankDistill.Activities.Data;

/// <summary>
/// A row (or a whole file) that could not be used, with the reason. Rejected rows are set
/// aside and counted, never silently dropped.
/// </summary>
/// <param name="File">The file the row came from (its name within the drop).</param>
/// <param name="RowNumber">1-based line number (text formats, the header counting as line 1) or row index (Parquet); 0 when the whole file, or the rest of it, could not be read.</param>
/// <param name="Reason">Why, specific enough to fix the data: "position is not an integer: 'x'".</param>
/// <param name="RawText">The row as it was read, cut to <see cref="MaxRawTextLength"/> characters; empty for file-level rejections.</param>
public sealed record RejectedRow(string File, long RowNumber, string Reason, string RawText)
{
    /// <summary>Enough to recognise a row; a runaway line must not blow up the rejected-rows file.</summary>
    public const int MaxRawTextLength = 2000;

    /// <summary>True when the reason concerns the file rather than one row.</summary>
    public bool IsFileLevel => RowNumber == 0;

    internal static RejectedRow ForRow(string file, long rowNumber, string reason, string rawText) =>
        new(file, rowNumber, reason, rawText.Length > MaxRawTextLength ? rawText[..MaxRawTextLength] : rawText);

    internal static RejectedRow ForFile(string file, string reason) => new(file, 0, reason, "");
}
