namespace RankDistill.Models.Metrics;

/// <summary>
/// The document pairs of one or more queries that have different labels ("labelled pairs"; pairs of
/// equal labels are not pairs), split by whether the scores order them as the labels do. A pair
/// whose scores tie counts half concordant and half discordant, so a ranker that scores everything
/// alike gets PNR 1, as a random order would on average.
/// </summary>
public readonly record struct PairCounts(double Concordant, double Discordant, long Pairs)
{
    /// <summary>Positive–negative ratio: concordant over discordant; +∞ when no pair is discordant, NaN when there are no pairs.</summary>
    public double Pnr => Pairs == 0 ? double.NaN : Concordant / Discordant;

    /// <summary>Concordant over all labelled pairs (the AUC of the ordering): in [0, 1], finite whenever there are pairs.</summary>
    public double ConcordantFraction => Pairs == 0 ? double.NaN : Concordant / Pairs;

    public static PairCounts operator +(PairCounts a, PairCounts b) =>
        new(a.Concordant + b.Concordant, a.Discordant + b.Discordant, a.Pairs + b.Pairs);

    public static PairCounts Add(PairCounts a, PairCounts b) => a + b;

    /// <summary>Counts the labelled pairs of one query. Quadratic in the list length, which is fine for ranking lists of hundreds.</summary>
    public static PairCounts Of(RankedQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        double concordant = 0, discordant = 0;
        long pairs = 0;
        var labels = query.Labels;
        var scores = query.Scores;
        for (int i = 0; i < labels.Length; i++)
        {
            for (int j = 0; j < labels.Length; j++)
            {
                if (labels[i] <= labels[j])
                    continue;
                pairs++;
                if (scores[i] > scores[j])
                    concordant++;
                else if (scores[i] < scores[j])
                    discordant++;
                else
                {
                    concordant += 0.5;
                    discordant += 0.5;
                }
            }
        }
        return new PairCounts(concordant, discordant, pairs);
    }
}
