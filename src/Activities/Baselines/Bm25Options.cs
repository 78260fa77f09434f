namespace RankDistill.Activities.Baselines;

/// <summary>
/// BM25 parameters. The defaults are Anserini's (k1 = 0.9, b = 0.4), the usual baseline values
/// in IR papers, rather than Lucene's own 1.2 / 0.75: our documents are a title and a
/// summary, short and of similar length (like MS MARCO passages, where Anserini uses the same
/// defaults), so a lower b penalises length less, and a lower k1 saturates repeated terms
/// sooner: one more "flights" in a 30-word summary says little.
/// </summary>
public sealed record Bm25Options
{
    /// <summary>Term-frequency saturation: higher lets repeated terms count longer.</summary>
    public float K1 { get; init; } = 0.9f;

    /// <summary>Length normalisation, 0 (none) to 1 (full).</summary>
    public float B { get; init; } = 0.4f;

    public void Validate()
    {
        if (!(K1 >= 0) || float.IsInfinity(K1))
            throw new ArgumentOutOfRangeException(nameof(K1), K1, "K1 must be a finite number ≥ 0.");
        if (!(B is >= 0 and <= 1))
            throw new ArgumentOutOfRangeException(nameof(B), B, "B must be in [0, 1].");
    }
}
