namespace RankDistill.Activities.Data;

/// <summary>
/// Bounds on what one drop file may cost to read. Past a bound the reader rejects the line or the file, saying which
/// setting it crossed, instead of growing memory until the process dies.
/// </summary>
public sealed record DropFileLimits
{
    /// <summary>
    /// Characters of one text line (JSON Lines, TSV). A click-log row is well under a kilobyte, so 1 Mi characters is
    /// generous; a longer line is rejected with its first <see cref="RejectedRow.MaxRawTextLength"/> characters and
    /// reading goes on at the next line.
    /// </summary>
    public int MaxLineLength { get; init; } = 1 << 20;

    /// <summary>
    /// Bytes one .gz file may decompress to. Click logs compress about 10:1, so 32 GiB passes a 3 GiB part file, while
    /// a gzip bomb (1000:1) is rejected after minutes instead of keeping the step busy for hours.
    /// </summary>
    public long MaxDecompressedBytes { get; init; } = 32L << 30;

    /// <summary>
    /// Rows of one Parquet row group, all of which the reader holds at once (about a kilobyte a row). Our writer puts
    /// 20,000 in a group and 128 MB groups of click logs hold about a million, so 2 million stays near 2 GB.
    /// </summary>
    public long MaxRowGroupRows { get; init; } = 2_000_000;

    /// <summary>Throws with the setting's name when a bound is not positive.</summary>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxLineLength, RejectedRow.MaxRawTextLength, nameof(MaxLineLength));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(MaxDecompressedBytes, 0, nameof(MaxDecompressedBytes));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(MaxRowGroupRows, 0, nameof(MaxRowGroupRows));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(MaxRowGroupRows, Array.MaxLength, nameof(MaxRowGroupRows));
    }
}
