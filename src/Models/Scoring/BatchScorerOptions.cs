using RankDistill.Models.Batching;

namespace RankDistill.Models.Scoring;

/// <summary>How <see cref="BatchScorer"/> groups sequences into batches.</summary>
public sealed record BatchScorerOptions
{
    /// <summary>Padded tokens (batch rows × longest row) per forward pass: 16k keeps a small BERT's activations to a few hundred MB.</summary>
    public int TokenBudget { get; init; } = 16_384;

    /// <summary>Rows per forward pass at most, however short they are.</summary>
    public int MaxBatchSize { get; init; } = 512;

    /// <summary>
    /// Sort by length and batch similar lengths together (true), or keep the input order and pad
    /// every batch to the longest sequence of the whole input (false): the baseline the training
    /// benchmark compares against.
    /// </summary>
    public bool Bucketing { get; init; } = true;

    public long PadTokenId { get; init; }

    public PaddingSide PaddingSide { get; init; } = PaddingSide.Right;
}
