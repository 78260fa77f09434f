namespace RankDistill.Workflows.Tests.Demo;

/// <summary>
/// NDCG@k with gains 2^grade − 1 and log2(rank + 1) discounts; ties in score keep input order.
/// A small stand-in for the metrics in src/Models (to be used here once merged).
/// </summary>
internal static class Ndcg
{
    public static double At(int k, IReadOnlyList<int> grades, IReadOnlyList<double> scores)
    {
        var ranked = Enumerable.Range(0, grades.Count).OrderByDescending(i => scores[i]).ThenBy(i => i).Select(i => grades[i]);
        var ideal = Dcg(k, grades.OrderByDescending(g => g));
        return ideal == 0 ? 0 : Dcg(k, ranked) / ideal;
    }

    /// <summary>The mean NDCG@k of random orderings, by averaging many seeded shuffles.</summary>
    public static double OfRandomOrder(int k, IReadOnlyList<int> grades, int shuffles = 200)
    {
        var random = new Random(12345);
        return Enumerable.Range(0, shuffles).Average(_ => At(k, grades, [.. grades.Select(_ => random.NextDouble())]));
    }

    private static double Dcg(int k, IEnumerable<int> grades) =>
        grades.Take(k).Select((g, rank) => (Math.Pow(2, g) - 1) / Math.Log2(rank + 2)).Sum();
}
