using RankDistill.Activities.Data;
using RankDistill.Workflows.Demo;

namespace RankDistill.Workflows.Tests.Demo;

/// <summary>
/// Properties the demo relies on, measured on generated worlds: clicks carry relevance under
/// position bias, the vocabulary gap is real, and BM25 is a fair but beatable baseline on
/// the labelled test queries (clearly above random order, clearly below the true relevance).
/// </summary>
public sealed class SyntheticWorldSanityTests
{
    private static readonly Lazy<SyntheticWorld> _default = new(() => SyntheticWeb.Generate(SyntheticWebOptions.Default));
    private static readonly Lazy<SyntheticWorld> _quick = new(() => SyntheticWeb.Generate(SyntheticWebOptions.Quick));

    private static SyntheticWorld World(string name) => name == "default" ? _default.Value : _quick.Value;

    [Theory]
    [InlineData("default")]
    [InlineData("quick")]
    public void Generate_World_SizesAsConfigured(string name)
    {
        var world = World(name);
        var options = world.Options;

        Assert.Equal(options.Topics * options.DocumentsPerTopic, world.Documents.Count);
        Assert.Equal(options.Queries, world.Queries.Count);
        Assert.Equal(options.Queries, world.Queries.Select(q => QueryText.Normalize(q.Text)).Distinct().Count());
        Assert.All(world.Queries, q => Assert.Equal(options.CandidatesPerQuery, q.Candidates.Distinct().Count()));
        Assert.Equal(options.Queries * options.ImpressionsPerQuery * options.ResultsPerImpression, world.ClickLog.Count());
        Assert.Equal(options.LabelledQueries * options.CandidatesPerQuery, world.Labels.Count);
        Assert.Equal(world.Documents.Count, world.Documents.Select(d => d.Url).Distinct().Count());
    }

    [Fact]
    public void Generate_DefaultWorld_EveryGradeOccursAndMostQueriesHaveAGoodResult()
    {
        var world = _default.Value;

        var grades = world.Queries.SelectMany(q => q.Candidates.Select(d => world.TrueGrade(q, world.Documents[d]))).ToList();
        var withGood = world.Queries.Count(q => q.Candidates.Any(d => world.TrueGrade(q, world.Documents[d]) >= 3));

        var shares = Enumerable.Range(0, 5).Select(g => grades.Count(x => x == g) / (double)grades.Count).ToList();
        TestContext.Current.TestOutputHelper?.WriteLine($"grade shares 0-4: {string.Join(", ", shares.Select(x => x.ToString("F3")))}; queries with a good result {withGood / (double)world.Queries.Count:F3}");
        Assert.All(shares.Take(4), share => Assert.InRange(share, 0.05, 0.5));
        // Grade 4 is an exact answer (the query's concept as the page's main subject): the rarest, and rarer as the query
        // tail grows (4.3% of candidates with 3,200 queries, where later queries are more often two concepts or a site).
        Assert.InRange(shares[4], 0.03, 0.5);
        Assert.InRange(withGood / (double)world.Queries.Count, 0.85, 1.0);
    }

    [Fact]
    public void Generate_DefaultWorld_ClicksFallWithPositionAndFollowRelevance()
    {
        var world = _default.Value;
        var queryByText = world.Queries.ToDictionary(q => q.Text);
        var documentByUrl = world.Documents.ToDictionary(d => d.Url);
        var rows = world.ClickLog.Select(r => (Row: r, Grade: world.TrueGrade(queryByText[r.Query], documentByUrl[r.Url]))).ToList();
        static double Rate(IEnumerable<ClickLogRow> subset) => subset.Average(r => r.Clicked ? 1.0 : 0.0);

        var byPosition = Enumerable.Range(1, world.Options.ResultsPerImpression).Select(p => Rate(rows.Where(r => r.Row.Position == p).Select(r => r.Row))).ToList();
        var byGrade = Enumerable.Range(0, 5).Select(g => Rate(rows.Where(r => r.Grade == g).Select(r => r.Row))).ToList();

        Assert.True(byPosition[0] > 2 * byPosition[^1], $"CTR by position: {string.Join(", ", byPosition.Select(r => r.ToString("F3")))}");
        Assert.Equal(byGrade.Order(), byGrade);
        Assert.True(byGrade[4] > 4 * byGrade[0], $"CTR by grade: {string.Join(", ", byGrade.Select(r => r.ToString("F3")))}");
        Assert.True(rows.All(r => r.Row.Clicked ? r.Row.DwellMs > 0 : r.Row.DwellMs is null));
    }

    /// <summary>The semantic part is real: many good results share none of the query's words.</summary>
    [Fact]
    public void Generate_DefaultWorld_ManyGoodResultsShareNoQueryWord()
    {
        var world = _default.Value;

        var good = world.Queries.SelectMany(q => q.Candidates.Select(d => (q, d: world.Documents[d])))
            .Where(p => world.TrueGrade(p.q, p.d) >= 3).ToList();
        var disjoint = good.Count(p => RelevanceModel.LexicalOverlap(p.q.Text, p.d.Title + " " + p.d.Summary) == 0);

        Assert.InRange(disjoint / (double)good.Count, 0.1, 0.6);
    }

    [Theory]
    [InlineData("default", 0.20, 0.15)]
    [InlineData("quick", 0.15, 0.05)]
    public void Bm25_LabelledTestQueries_BetweenRandomAndTrueRelevance(string name, double aboveRandom, double belowOracle)
    {
        var world = World(name);
        var figures = BaselineFigures.Measure(world);
        TestContext.Current.TestOutputHelper?.WriteLine($"{name}: {figures}");

        Assert.True(figures.TestLists >= 8, $"too few labelled test queries: {figures}");
        Assert.True(figures.Bm25 > figures.Random + aboveRandom, $"BM25 is not clearly above random order: {figures}");
        Assert.True(figures.Bm25 < figures.Oracle - belowOracle, $"BM25 leaves no room below the true relevance: {figures}");
    }
}
