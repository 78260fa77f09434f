namespace RankDistill.Activities.Data;

/// <summary>How queries are assigned to train, dev and test; test gets what train and dev leave.</summary>
public sealed record SplitOptions
{
    /// <summary>Salt of the query hash. Keep it fixed across drops: a query then stays in one split for every drop.</summary>
    public long Seed { get; init; } = 2411_04539; // the paper's arXiv number: any fixed value works

    /// <summary>Most queries train; 0.7 leaves enough labelled test queries (a fifth of them) for a stable NDCG@5.</summary>
    public double TrainFraction { get; init; } = 0.7;

    public double DevFraction { get; init; } = 0.1;

    public double TestFraction => 1 - TrainFraction - DevFraction;

    /// <summary>Throws with the setting's name when the fractions do not leave a test split.</summary>
    public void Validate()
    {
        if (TrainFraction is <= 0 or >= 1 || double.IsNaN(TrainFraction))
            throw new ArgumentOutOfRangeException(nameof(TrainFraction), TrainFraction, "TrainFraction must be in (0, 1).");
        if (DevFraction is < 0 or >= 1 || double.IsNaN(DevFraction))
            throw new ArgumentOutOfRangeException(nameof(DevFraction), DevFraction, "DevFraction must be in [0, 1).");
        if (TestFraction < 1e-9) // not <= 0: 1 - 0.7 - 0.3 is 5.6e-17 in floating point
            throw new ArgumentOutOfRangeException(nameof(DevFraction), DevFraction, "TrainFraction + DevFraction must be below 1, leaving a test split.");
    }
}
