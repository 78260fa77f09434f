namespace RankDistill.Activities.Data;

/// <summary>Line reading for the text formats that turns a corrupt compressed stream into a reason instead of an exception.</summary>
internal static class TextLines
{
    /// <summary>
    /// The next line (null at the end), or the reason the data could not be decoded. Only
    /// <see cref="InvalidDataException"/> (bad gzip) is caught: an I/O failure is not the data's
    /// fault and propagates, so the step can be retried.
    /// </summary>
    public static async Task<(string? Line, string? Failure)> ReadLineAsync(TextReader reader, CancellationToken cancellationToken)
    {
        try
        {
            return (await reader.ReadLineAsync(cancellationToken), null);
        }
        catch (InvalidDataException e)
        {
            return (null, e.Message);
        }
    }

    public static RejectedRow Unreadable(string file, long linesRead, string failure) =>
        RejectedRow.ForFile(file, $"unreadable file: after line {linesRead}: {failure}");
}
