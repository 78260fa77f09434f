namespace RankDistill.Activities.Data;

/// <summary>Settings of the PrepareData step.</summary>
public sealed record PrepareDataOptions
{
    public SplitOptions Split { get; init; } = new();

    /// <summary>Bounds on reading one drop file: line length, decompressed size, Parquet row group size.</summary>
    public DropFileLimits Limits { get; init; } = new();

    /// <summary>
    /// Clicks with a logged dwell time below this many milliseconds are not CPT examples (a quick
    /// return to the results usually means the page disappointed). 0, the default, keeps every
    /// click: the paper trains on clicked documents without a dwell filter.
    /// </summary>
    public long MinClickDwellMs { get; init; }

    /// <summary>
    /// Documents drawn from the corpus and added to each candidate list (<see cref="CorpusSample"/>); 0 labels the
    /// impressions alone, as the paper describes.
    /// </summary>
    public int SampledCandidates { get; init; }

    /// <summary>Seeds which documents <see cref="SampledCandidates"/> draws for each query.</summary>
    public long SampleSeed { get; init; }
}
