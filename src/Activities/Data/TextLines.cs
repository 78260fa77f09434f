using System.Runtime.CompilerServices;

namespace RankDistill.Activities.Data;

/// <summary>Line reading for the text formats that turns a corrupt compressed stream into a rejection instead of an exception.</summary>
internal static class TextLines
{
    /// <summary>One line with its 1-based number, or (last) the file-level rejection that ended the reading.</summary>
    public readonly record struct Line(long Number, string Text, RejectedRow? Failure);

    /// <summary>
    /// The non-blank lines after <paramref name="linesBefore"/> already-read lines. Only
    /// <see cref="InvalidDataException"/> (bad gzip) becomes a rejection: an I/O failure is not
    /// the data's fault and propagates, so the step can be retried.
    /// </summary>
    public static async IAsyncEnumerable<Line> ReadAsync(
        TextReader reader, string file, long linesBefore, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var number = linesBefore;
        while (true)
        {
            var (text, failure) = await ReadLineAsync(reader, cancellationToken);
            if (failure is not null)
            {
                yield return new Line(number, "", Unreadable(file, number, failure));
                yield break;
            }
            if (text is null)
                yield break;
            number++;
            if (!string.IsNullOrWhiteSpace(text))
                yield return new Line(number, text, null);
        }
    }

    /// <summary>The next line (null at the end), or the reason the data could not be decoded.</summary>
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
