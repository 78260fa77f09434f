namespace RankDistill.Models.Metrics;

/// <summary>
/// Normalized discounted cumulative gain at a cut-off, with gain 2^rel − 1 and discount
/// 1 / log2(rank + 1), the ideal order taken from the query's own labels (Järvelin and Kekäläinen;
/// the exponential gain of Burges et al. 2005). Tied scores get the expected DCG over their orders.
/// </summary>
public static class Ndcg
{
    /// <summary>NDCG@<paramref name="k"/> of one query, or null when no label is positive (the ideal DCG is 0).</summary>
    public static double? At(RankedQuery query, int k)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);

        var ideal = query.Labels.OrderByDescending(l => l).ToArray();
        double idealDcg = 0;
        for (int rank = 0; rank < Math.Min(k, ideal.Length); rank++)
            idealDcg += Gain(ideal[rank]) * Discount(rank);
        if (idealDcg <= 0)
            return null;

        double dcg = 0;
        int start = 0;
        foreach (var group in ScoreGroups.Of(query))
        {
            // Every position of a tied group holds each of its documents with equal probability.
            double meanGain = group.Average(Gain);
            for (int rank = start; rank < Math.Min(start + group.Length, k); rank++)
                dcg += meanGain * Discount(rank);
            start += group.Length;
        }
        return dcg / idealDcg;
    }

    internal static double Gain(double label) => Math.Pow(2, label) - 1;

    // rank is 0-based: the first document is divided by log2(2) = 1.
    private static double Discount(int rank) => 1 / Math.Log2(rank + 2);
}
