namespace RankDistill.Models.Metrics;

/// <summary>
/// Reciprocal rank of the first relevant document (label above 0) within a cut-off, 0 when none is
/// within it. Tied scores get the expected value over the orders of the tied group.
/// </summary>
public static class ReciprocalRank
{
    /// <summary>RR@<paramref name="k"/> of one query, or null when no label is positive.</summary>
    public static double? At(RankedQuery query, int k)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        if (!query.HasPositive)
            return null;

        int start = 0;
        foreach (var group in ScoreGroups.Of(query))
        {
            int n = group.Length;
            int m = group.Count(l => l > 0);
            if (m == 0)
            {
                start += n;
                continue;
            }

            // The first relevant document sits at offset t of the group with probability
            // C(n-1-t, m-1) / C(n, m): p(0) = m/n, p(t+1) = p(t) (n-m-t) / (n-1-t).
            double expected = 0;
            double p = (double)m / n;
            for (int t = 0; t <= n - m; t++)
            {
                if (start + t < k)
                    expected += p / (start + t + 1);
                if (t < n - m)
                    p *= (double)(n - m - t) / (n - 1 - t);
            }
            return expected;
        }
        return 0;
    }
}
