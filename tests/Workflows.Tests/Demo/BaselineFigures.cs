using RankDistill.Activities.Baselines;
using RankDistill.Activities.Data;
using RankDistill.Models.Metrics;
using RankDistill.Workflows.Demo;

namespace RankDistill.Workflows.Tests.Demo;

/// <summary>
/// NDCG@5 on a world's labelled test queries (the pipeline's evaluation set under the default
/// split), judged by the human labels: BM25, random order, and the true relevance (the best
/// a model can do, short of the labellers' noise).
/// </summary>
internal sealed record BaselineFigures(int TestLists, double Bm25, double Random, double Oracle)
{
    public static BaselineFigures Measure(SyntheticWorld world)
    {
        var splitter = new QuerySplitter(new SplitOptions());
        var lists = world.Labels.GroupBy(l => QueryText.Normalize(l.Query))
            .Where(g => splitter.SplitOf(g.Key) == DataSplit.Test)
            .Select(g => new GradedList(g.Key, [.. g.Select(l => new GradedDocument(l.Url, l.Title, l.Summary, l.Grade))]))
            .ToList();
        var bm25 = Bm25Ranker.ScoreLists(lists);
        var queries = world.Queries.ToDictionary(q => QueryText.Normalize(q.Text));
        var documents = world.Documents.ToDictionary(d => d.Url);

        // All-equal scores give the expected NDCG over every order: exactly the random ranker's.
        double Mean(Func<GradedList, int, IEnumerable<double>> scores) => RankingMetrics.Evaluate(
            lists.Select((list, i) => new RankedQuery(list.Query, [.. list.Docs.Select(d => (double)d.Grade)], [.. scores(list, i)]))).Ndcg5;
        return new BaselineFigures(
            lists.Count,
            Mean((_, i) => bm25[i].Select(s => (double)s)),
            Mean((list, _) => list.Docs.Select(_ => 0.0)),
            Mean((list, _) => list.Docs.Select(d => world.TrueScore(queries[list.Query], documents[d.Url]))));
    }

    public override string ToString() => $"{TestLists} test queries, NDCG@5 BM25 {Bm25:F3}, random {Random:F3}, true relevance {Oracle:F3}";
}
