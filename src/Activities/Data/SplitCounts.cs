namespace RankDistill.Activities.Data;

/// <summary>A count for each split.</summary>
public sealed record SplitCounts(long Train, long Dev, long Test)
{
    public static SplitCounts From(IReadOnlyDictionary<DataSplit, long> counts) =>
        new(counts.GetValueOrDefault(DataSplit.Train), counts.GetValueOrDefault(DataSplit.Dev), counts.GetValueOrDefault(DataSplit.Test));
}
