using RankDistill.Activities.Baselines;
using RankDistill.Activities.Data;

namespace RankDistill.Activities.Tests.Baselines;

public sealed class Bm25RankerTests
{
    private static readonly Bm25Document _exact = new("Cheap flights to Lisbon", "Compare airfare and book cheap flights today.");
    private static readonly Bm25Document _partial = new("Lisbon hotels", "Rooms in the old town, close to the river.");
    private static readonly Bm25Document _unrelated = new("Vegetable soup", "A warming recipe with carrots and leeks.");
    private static readonly Bm25Document[] _corpus = [_exact, _partial, _unrelated];

    [Fact]
    public void Score_ExactMatchPartialAndNone_RankedInInputOrderWithZeroForNoMatch()
    {
        using var ranker = Bm25Ranker.Build(_corpus);

        var scores = ranker.Score("cheap flights Lisbon", [_unrelated, _partial, _exact]);

        Assert.Equal(0f, scores[0]);
        Assert.True(scores[1] > 0, $"partial match scored {scores[1]}");
        Assert.True(scores[2] > scores[1], $"exact {scores[2]} should beat partial {scores[1]}");
    }

    [Fact]
    public void Score_StemmedAndCaseFoldedQuery_MatchesLikeTheDocumentWords()
    {
        using var ranker = Bm25Ranker.Build(_corpus);

        var plain = ranker.Score("cheap flights", [_exact])[0];
        var inflected = ranker.Score("CHEAP FLIGHT", [_exact])[0];

        Assert.True(plain > 0);
        Assert.Equal(plain, inflected);
    }

    [Theory]
    [InlineData("cheap -flights +lisbon", "cheap flights lisbon")] // parsed, "-flights" would exclude the exact match
    [InlineData("cheap^100 flights", "cheap 100 flights")]         // parsed, cheap would weigh 100 times more
    [InlineData("(flights", "flights")]                           // parsed, an unbalanced parenthesis would throw
    public void Score_QuerySyntaxCharacters_AreJustWords(string query, string sameWords)
    {
        using var ranker = Bm25Ranker.Build(_corpus);

        Assert.Equal(ranker.Score(sameWords, _corpus), ranker.Score(query, _corpus));
    }

    [Fact]
    public void Score_MatchAllSyntax_MatchesNothing()
    {
        using var ranker = Bm25Ranker.Build(_corpus);

        Assert.Equal([0f, 0f, 0f], ranker.Score("*:*", _corpus));
    }

    [Fact]
    public void Score_OnlyStopWordsOrEmpty_AllZero()
    {
        using var ranker = Bm25Ranker.Build(_corpus);

        Assert.Equal([0f, 0f, 0f], ranker.Score("the and of", _corpus));
        Assert.Equal([0f, 0f, 0f], ranker.Score("", _corpus));
    }

    [Fact]
    public void Score_CandidateOutsideCorpus_Throws()
    {
        using var ranker = Bm25Ranker.Build([_exact]);

        Assert.Throws<ArgumentException>(() => ranker.Score("cheap", [_partial]));
    }

    [Fact]
    public void Score_RepeatedCandidate_SameScoreEachTime()
    {
        using var ranker = Bm25Ranker.Build(_corpus);

        var scores = ranker.Score("lisbon", [_exact, _partial, _exact]);

        Assert.Equal(scores[0], scores[2]);
        Assert.True(scores[0] > 0);
    }

    /// <summary>
    /// Checks the parameters reach Lucene's scoring: BM25 computed by hand for lengths whose norm
    /// Lucene encodes exactly (1 and 4 tokens). idf = ln(1 + (N − n + 0.5)/(n + 0.5)),
    /// tf part = f·(k1 + 1)/(f + k1·(1 − b + b·dl/avgdl)).
    /// </summary>
    [Theory]
    [InlineData(0.9f, 0.4f)]
    [InlineData(1.2f, 0.75f)]
    [InlineData(2.0f, 0.0f)]
    public void Score_SmallCorpus_EqualsBm25ByHand(float k1, float b)
    {
        Bm25Document[] corpus = [new("apple", ""), new("apple banana cherry dates", ""), new("banana", "")];
        using var ranker = Bm25Ranker.Build(corpus, new Bm25Options { K1 = k1, B = b });

        var scores = ranker.Score("apple", corpus);

        var idf = Math.Log(1 + (3 - 2 + 0.5) / (2 + 0.5));
        const double AverageLength = (1 + 4 + 1) / 3.0;
        double Expected(int length) => idf * (k1 + 1) / (1 + k1 * (1 - b + b * length / AverageLength));
        Assert.Equal(Expected(1), scores[0], 1e-5);
        Assert.Equal(Expected(4), scores[1], 1e-5);
        Assert.Equal(0f, scores[2]);
    }

    [Fact]
    public void ScoreLists_TwoQueries_ScoresPerListInDocumentOrder()
    {
        GradedList[] lists =
        [
            new("cheap flights", [new("https://a.test/1", _unrelated.Title, _unrelated.Summary, 0), new("https://a.test/2", _exact.Title, _exact.Summary, 4)]),
            new("soup recipe", [new("https://a.test/1", _unrelated.Title, _unrelated.Summary, 4)]),
        ];

        var scores = Bm25Ranker.ScoreLists(lists);

        Assert.Equal(0f, scores[0][0]);
        Assert.True(scores[0][1] > 0);
        Assert.True(Assert.Single(scores[1]) > 0);
    }

    [Theory]
    [InlineData(-1f, 0.4f, "K1")]
    [InlineData(float.NaN, 0.4f, "K1")]
    [InlineData(0.9f, 1.5f, "B")]
    public void Build_BadParameters_ThrowsNamingTheSetting(float k1, float b, string setting)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => Bm25Ranker.Build(_corpus, new Bm25Options { K1 = k1, B = b }));

        Assert.Equal(setting, error.ParamName);
    }
}
