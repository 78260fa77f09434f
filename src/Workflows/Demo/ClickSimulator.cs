using RankDistill.Activities.Data;

namespace RankDistill.Workflows.Demo;

/// <summary>
/// The production ranker and its users. The ranker orders a query's candidates by the true
/// score plus a fixed error per page (its systematic mistakes) and a small error per search;
/// each search shows the top results. Users follow the position-based model: rank k is
/// looked at with probability k^-η, and a looked-at result is clicked with a probability that
/// grows with its true grade (sometimes at random). A click comes with a dwell time that grows
/// with the grade. So clicks carry relevance, biased by position and by the ranker's errors.
/// </summary>
internal static class ClickSimulator
{
    /// <summary>Click probability of an examined result by grade 0–4.</summary>
    private static readonly double[] _attractiveness = [0.05, 0.15, 0.35, 0.6, 0.85];

    /// <summary>Median dwell in seconds by grade: a bounce, a glance, a read.</summary>
    private static readonly double[] _medianDwellSeconds = [6, 14, 35, 70, 120];

    private const double RandomClickRate = 0.3;
    private const double SearchJitter = 0.3;
    private static readonly DateTimeOffset _logStart = new(2024, 3, 1, 0, 0, 0, TimeSpan.Zero);
    private const int LogSeconds = 30 * 24 * 3600;

    public static List<WebImpression> Simulate(
        IReadOnlyList<WebQuery> queries, IReadOnlyList<WebDocument> documents, SyntheticWebOptions options, DemoRandom random)
    {
        // k^-η once per rank: the only transcendental function in generation, computed identically on every run.
        var examination = Enumerable.Range(1, options.ResultsPerImpression).Select(k => Math.Pow(k, -options.PositionBias)).ToArray();
        var impressions = new List<WebImpression>(queries.Count * options.ImpressionsPerQuery);
        foreach (var query in queries)
        {
            var candidates = query.Candidates.Select(id => documents[id]).ToList();
            var truth = candidates.Select(d => RelevanceModel.Score(query, d)).ToArray();
            var systematic = candidates.Select(_ => options.ProductionNoise * random.NextGaussian()).ToArray();
            for (var n = 0; n < options.ImpressionsPerQuery; n++)
            {
                var ranking = Enumerable.Range(0, candidates.Count)
                    .Select(i => (Index: i, Score: truth[i] + systematic[i] + SearchJitter * random.NextGaussian()))
                    .OrderByDescending(r => r.Score).ThenBy(r => r.Index)
                    .Take(options.ResultsPerImpression).ToList();
                var session = $"s{random.NextUInt64():x16}";
                var time = _logStart.AddSeconds(random.NextInt(LogSeconds));
                var rows = new List<ClickLogRow>(ranking.Count);
                for (var rank = 0; rank < ranking.Count; rank++)
                {
                    var page = candidates[ranking[rank].Index];
                    var grade = RelevanceModel.GradeOf(truth[ranking[rank].Index]);
                    var attractive = (1 - options.ClickNoise) * _attractiveness[grade] + options.ClickNoise * RandomClickRate;
                    var clicked = random.NextDouble() < examination[rank] * attractive;
                    long? dwell = clicked ? (long)(1000 * _medianDwellSeconds[grade] * (0.3 + 1.4 * random.NextDouble() * (0.5 + random.NextDouble()))) : null;
                    rows.Add(new ClickLogRow(query.Text, page.Title, page.Summary, page.Url, rank + 1, clicked, dwell, session, time));
                }
                impressions.Add(new WebImpression(query.Id, session, time, rows));
            }
        }
        return impressions;
    }
}
