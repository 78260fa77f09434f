namespace RankDistill.Activities.Reporting;

/// <summary>How Evaluation measures scoring throughput and where it unpacks models; bound from configuration.</summary>
public sealed record EvaluationOptions
{
    /// <summary>
    /// Candidate documents teacher and student both score for the throughput figure. 384 at 96 tokens takes a few
    /// seconds for the demo teacher on two cores: long enough to swamp timer noise, short next to training.
    /// </summary>
    public int ThroughputDocuments { get; init; } = 384;

    /// <summary>Documents scored untimed first, so one-off costs (allocator growth, kernel selection, lazy tables) stay out of the figure.</summary>
    public int WarmupDocuments { get; init; } = 64;

    /// <summary>Timed passes over the documents; the fastest counts, as the one least disturbed by other work on the machine.</summary>
    public int TimedPasses { get; init; } = 2;

    /// <summary>Local folder models are downloaded to; null: the system temporary folder. Emptied after each run.</summary>
    public string? WorkDirectory { get; init; }

    public void Validate()
    {
        if (ThroughputDocuments < 1 || WarmupDocuments < 0 || TimedPasses < 1)
            throw new ArgumentException(
                $"Evaluation options: ThroughputDocuments ({ThroughputDocuments}) and TimedPasses ({TimedPasses}) must be at least 1, WarmupDocuments ({WarmupDocuments}) at least 0.");
    }
}
