namespace RankDistill.Models.Metrics;

/// <summary>The evaluation stage's metrics: NDCG@1/3/5/10, MRR@10 and PNR over a set of scored queries.</summary>
public static class RankingMetrics
{
    /// <summary>
    /// Evaluates every query. A query without a positive label has no ideal DCG and no relevant
    /// document, so it is left out of NDCG and MRR and counted in <see cref="RankingReport.SkippedQueries"/>;
    /// its pairs (none when all labels are 0) still count for PNR.
    /// PNR is pooled: the concordant pairs of all queries over their discordant pairs (sum over sum),
    /// which stays finite when single queries are perfectly ordered, where a mean of per-query
    /// ratios would be infinite. Tied scores count half each way (see <see cref="PairCounts"/>).
    /// </summary>
    public static RankingReport Evaluate(IEnumerable<RankedQuery> queries)
    {
        ArgumentNullException.ThrowIfNull(queries);
        int total = 0, skipped = 0;
        double ndcg1 = 0, ndcg3 = 0, ndcg5 = 0, ndcg10 = 0, mrr10 = 0;
        var pairs = default(PairCounts);

        foreach (var query in queries)
        {
            total++;
            pairs += PairCounts.Of(query);
            if (!query.HasPositive)
            {
                skipped++;
                continue;
            }
            ndcg1 += Ndcg.At(query, 1)!.Value;
            ndcg3 += Ndcg.At(query, 3)!.Value;
            ndcg5 += Ndcg.At(query, 5)!.Value;
            ndcg10 += Ndcg.At(query, 10)!.Value;
            mrr10 += ReciprocalRank.At(query, 10)!.Value;
        }

        int evaluated = total - skipped;
        double Mean(double sum) => evaluated == 0 ? double.NaN : sum / evaluated;
        return new RankingReport(
            total, evaluated, skipped,
            Mean(ndcg1), Mean(ndcg3), Mean(ndcg5), Mean(ndcg10), Mean(mrr10),
            pairs.Pnr, pairs.ConcordantFraction, pairs.Concordant, pairs.Discordant, pairs.Pairs);
    }
}
