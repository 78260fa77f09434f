using RankDistill.Models.Tests.Checkpoints;
using RankDistill.Models.Tokenization;

namespace RankDistill.Models.Tests.Tokenization;

public sealed class LongestFirstTruncationTests
{
    [Theory]
    [InlineData(5, 7, 61, 5, 7)]      // both short: nothing cut
    [InlineData(5, 200, 61, 5, 56)]   // long document: only the document gives way
    [InlineData(200, 5, 61, 56, 5)]   // long query: only the query gives way
    [InlineData(72, 200, 61, 31, 30)] // both long (a 72-token query at max_length 64): halves, the odd token off the document
    [InlineData(72, 0, 61, 61, 0)]
    [InlineData(40, 40, 61, 31, 30)]  // a tie takes from the second sequence first
    [InlineData(10, 10, 0, 0, 0)]
    public void Keep_Pair_AsHuggingFaceLongestFirst(int first, int second, int budget, int keepFirst, int keepSecond) =>
        Assert.Equal((keepFirst, keepSecond), LongestFirstTruncation.Keep(first, second, budget));

    [Fact]
    public void Keep_AnyLengths_SameAsRemovingOneTokenAtATime()
    {
        for (var first = 0; first <= 24; first++)
            for (var second = 0; second <= 24; second++)
                for (var budget = 0; budget <= 30; budget++)
                    Assert.Equal(OneAtATime(first, second, budget), LongestFirstTruncation.Keep(first, second, budget));
    }

    [Fact]
    public void Keep_BudgetBelowZero_Throws() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => LongestFirstTruncation.Keep(3, 3, -1));

    [Fact]
    public void Encode_LongQueryFillsBudget_DocumentKeepsItsHalf()
    {
        using var dir = new TempFolder();
        var encoder = BertBaseUncasedVocabulary.Load(dir.Path);
        var query = string.Join(' ', Enumerable.Repeat("hello", 72));
        var document = string.Join(' ', Enumerable.Repeat("world", 100));

        var pair = encoder.Encode(query, document, maxLength: 64);
        int[] expected = [101, .. Enumerable.Repeat(7592, 31), 102, .. Enumerable.Repeat(2088, 30), 102];
        Assert.Equal(expected, pair.InputIds);
        Assert.Equal(Enumerable.Repeat(0, 33).Concat(Enumerable.Repeat(1, 31)), pair.TokenTypeIds!);
    }

    /// <summary>HF's <c>truncate_sequences</c> loop as written: drop the last token of the longer sequence, the second on a tie.</summary>
    private static (int, int) OneAtATime(int first, int second, int budget)
    {
        for (var remove = first + second - budget; remove > 0; remove--)
        {
            if (first > second)
                first--;
            else
                second--;
        }
        return (first, second);
    }
}
