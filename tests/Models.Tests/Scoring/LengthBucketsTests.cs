using RankDistill.Models.Batching;

namespace RankDistill.Models.Tests.Scoring;

public sealed class LengthBucketsTests
{
    private static readonly ItemShape[] _shapes = [.. Enumerable.Range(0, 100).Select(i => new ItemShape(1 + i % 3, 2 + (i * 37 % 29)))];

    [Fact]
    public void Cut_ItemsSortedByLength_EveryBatchWithinBudgetAndSize()
    {
        var sorted = LengthBuckets.SortedByLength(Enumerable.Range(0, _shapes.Length), i => _shapes[i]);
        var batches = LengthBuckets.Cut(sorted, i => _shapes[i], tokenBudget: 64, maxItems: 5);

        Assert.Equal(sorted, batches.SelectMany(b => b));
        Assert.All(batches, b => Assert.True(b.Length <= 5));
        // Within budget, unless one item alone exceeds it (it then has its batch to itself).
        Assert.All(batches, b => Assert.True(b.Length == 1 || b.Sum(i => _shapes[i].Rows) * b.Max(i => _shapes[i].Length) <= 64));
        Assert.Contains(batches, b => b.Length > 1);
    }

    [Fact]
    public void Cut_ItemLargerThanBudget_GetsABatchOfItsOwn()
    {
        var batches = LengthBuckets.Cut([0, 1, 2], i => new ItemShape(1, i == 1 ? 100 : 4), tokenBudget: 10, maxItems: 10);

        Assert.Equal([[0], [1], [2]], batches);
    }

    [Fact]
    public void Sampler_SameSeedAndEpoch_SameBatches()
    {
        var a = new LengthBucketSampler(_shapes, seed: 3, tokenBudget: 64, maxItemsPerBatch: 8, windowSize: 20);
        var b = new LengthBucketSampler(_shapes, seed: 3, tokenBudget: 64, maxItemsPerBatch: 8, windowSize: 20);

        Assert.Equal(a.Epoch(2), b.Epoch(2));
        Assert.NotEqual(a.Epoch(2), a.Epoch(3));
        Assert.NotEqual(a.Epoch(2), new LengthBucketSampler(_shapes, 4, 64, 8, 20).Epoch(2));
    }

    [Fact]
    public void Sampler_OneEpoch_EveryItemOnceInBatchesOfSimilarLength()
    {
        var sampler = new LengthBucketSampler(_shapes, seed: 3, tokenBudget: 1000, maxItemsPerBatch: 5, windowSize: 100);
        var batches = sampler.Epoch(0);

        Assert.Equal(Enumerable.Range(0, 100), batches.SelectMany(b => b).Order());
        // With one window over all items, a batch of 5 spans at most the length range of 5 neighbours in sorted order.
        double meanSpread = batches.Average(b => b.Max(i => _shapes[i].Length) - b.Min(i => _shapes[i].Length));
        Assert.True(meanSpread <= 2, $"mean length spread within a batch {meanSpread}");
    }
}
