namespace RankDistill.Activities.Data;

/// <summary>Where PrepareData writes its outputs, by relative path (data/cpt/train.jsonl, rejected/clicklogs.jsonl...).</summary>
public interface IPreparedDataSink
{
    /// <summary>A new stream for <paramref name="path"/>; PrepareData disposes it when the file is complete.</summary>
    Task<Stream> CreateAsync(string path, CancellationToken cancellationToken);
}
