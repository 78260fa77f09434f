namespace RankDistill.Models.Batching;

/// <summary>
/// The training data order: each epoch, shuffle the items, sort them by length within windows of
/// <see cref="WindowSize"/> items, cut each window into batches under the token budget, and shuffle
/// the batches. An epoch's batches depend only on (seed, epoch) and the item shapes, so a data
/// position is just (epoch, batch index) and a resumed run sees exactly the batches it would have.
/// </summary>
public sealed class LengthBucketSampler
{
    private readonly ItemShape[] _shapes;

    public LengthBucketSampler(IReadOnlyList<ItemShape> shapes, long seed, int tokenBudget, int maxItemsPerBatch, int windowSize)
    {
        ArgumentNullException.ThrowIfNull(shapes);
        if (shapes.Count == 0)
            throw new ArgumentException("No training items.", nameof(shapes));
        ArgumentOutOfRangeException.ThrowIfLessThan(windowSize, 1);
        _shapes = [.. shapes];
        Seed = seed;
        TokenBudget = tokenBudget;
        MaxItemsPerBatch = maxItemsPerBatch;
        WindowSize = windowSize;
    }

    public long Seed { get; }

    public int TokenBudget { get; }

    public int MaxItemsPerBatch { get; }

    public int WindowSize { get; }

    /// <summary>The batches (arrays of item indices) of one epoch, in training order.</summary>
    public List<int[]> Epoch(long epoch)
    {
        // Mix the epoch into the seed so that every epoch has its own order.
        var random = new SplitMix64(unchecked((ulong)Seed * 0x9E3779B97F4A7C15UL + (ulong)epoch));
        var items = Enumerable.Range(0, _shapes.Length).ToArray();
        random.Shuffle(items);

        var batches = new List<int[]>();
        for (int start = 0; start < items.Length; start += WindowSize)
        {
            var window = items[start..Math.Min(start + WindowSize, items.Length)];
            var sorted = LengthBuckets.SortedByLength(window, i => _shapes[i]);
            batches.AddRange(LengthBuckets.Cut(sorted, i => _shapes[i], TokenBudget, MaxItemsPerBatch));
        }

        var shuffled = batches.ToArray();
        random.Shuffle(shuffled);
        return [.. shuffled];
    }
}
