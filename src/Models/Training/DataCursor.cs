using RankDistill.Models.Batching;

namespace RankDistill.Models.Training;

/// <summary>Walks the sampler's batches epoch after epoch from a saved position (epoch, batch within it).</summary>
internal sealed class DataCursor(LengthBucketSampler sampler, long epoch, int batchInEpoch)
{
    private List<int[]> _batches = sampler.Epoch(epoch);

    public long Epoch { get; private set; } = epoch;

    public int BatchInEpoch { get; private set; } = batchInEpoch;

    public int[] Next()
    {
        if (BatchInEpoch >= _batches.Count)
        {
            Epoch++;
            BatchInEpoch = 0;
            _batches = sampler.Epoch(Epoch);
        }
        return _batches[BatchInEpoch++];
    }
}
