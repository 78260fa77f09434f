namespace RankDistill.Models.Tokenization;

/// <summary>
/// Hugging Face's <c>truncation="longest_first"</c> for a pair of sequences: tokens come off the end of whichever sequence
/// is longer, one at a time, the second sequence giving way on a tie. So a long query no longer crowds out the
/// document: a 72-token query and a long document in 61 places keep 31 and 30 tokens.
/// </summary>
internal static class LongestFirstTruncation
{
    /// <summary>How many tokens of each sequence fit in <paramref name="budget"/>, in closed form (as HF computes it).</summary>
    public static (int First, int Second) Keep(int first, int second, int budget)
    {
        if (budget < 0)
            throw new ArgumentOutOfRangeException(nameof(budget), "maxLength is too small for the special tokens alone");
        var remove = first + second - budget;
        if (remove <= 0)
            return (first, second);
        // First level the longer one down to the shorter, then take the rest from both alike, the odd token from the second.
        var levelling = Math.Min(remove, Math.Abs(first - second));
        var shared = remove - levelling;
        var (fromFirst, fromSecond) = first > second
            ? (levelling + shared / 2, shared - shared / 2)
            : (shared / 2, levelling + shared - shared / 2);
        return (first - fromFirst, second - fromSecond);
    }
}
