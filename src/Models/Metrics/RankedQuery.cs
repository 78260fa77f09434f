namespace RankDistill.Models.Metrics;

/// <summary>
/// One query's candidate documents as a ranker scored them: <see cref="Labels"/>[i] is the graded
/// relevance (0–4 in our data) of the document scored <see cref="Scores"/>[i]. The order of the
/// arrays carries no meaning; metrics sort by score.
/// </summary>
public sealed record RankedQuery
{
    public RankedQuery(string queryId, double[] labels, double[] scores)
    {
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(scores);
        if (labels.Length != scores.Length)
            throw new ArgumentException($"Query '{queryId}': {labels.Length} labels but {scores.Length} scores.", nameof(scores));
        if (Array.Exists(scores, double.IsNaN))
            throw new ArgumentException($"Query '{queryId}': a score is NaN.", nameof(scores));
        QueryId = queryId;
        Labels = labels;
        Scores = scores;
    }

    public string QueryId { get; }

    public double[] Labels { get; }

    public double[] Scores { get; }

    /// <summary>True when some document is relevant (label above 0): the queries NDCG and MRR can be computed on.</summary>
    public bool HasPositive => Array.Exists(Labels, l => l > 0);
}
