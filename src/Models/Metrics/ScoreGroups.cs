namespace RankDistill.Models.Metrics;

/// <summary>
/// The documents of one query in descending score order, split into groups of equal score.
/// Metrics average over every order of a tied group (McSherry and Najork, ECIR 2008), so a ranker
/// that scores everything alike earns the expected value of a random order, never the input order's.
/// </summary>
internal static class ScoreGroups
{
    /// <summary>Labels of each group of tied scores, groups in descending score order.</summary>
    public static List<double[]> Of(RankedQuery query)
    {
        var order = Enumerable.Range(0, query.Scores.Length).ToArray();
        Array.Sort(order, (a, b) => query.Scores[b].CompareTo(query.Scores[a]));

        var groups = new List<double[]>();
        for (int start = 0; start < order.Length;)
        {
            int end = start + 1;
            while (end < order.Length && query.Scores[order[end]] == query.Scores[order[start]])
                end++;
            groups.Add(order[start..end].Select(i => query.Labels[i]).ToArray());
            start = end;
        }
        return groups;
    }
}
