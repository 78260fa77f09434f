namespace RankDistill.Models;

/// <summary>
/// One tokenized input before batching: a query–document pair for a ranker, or a prompt and
/// its continuation for continued pre-training.
/// </summary>
/// <param name="InputIds">Token ids, special tokens included.</param>
/// <param name="TokenTypeIds">BERT segment ids (0 query, 1 document); null for decoders.</param>
/// <param name="Labels">Causal-LM targets aligned with <paramref name="InputIds"/>; -100 where no loss is taken (the prompt).</param>
public sealed record EncodedSequence(int[] InputIds, int[]? TokenTypeIds = null, int[]? Labels = null)
{
    public int Length => InputIds.Length;
}
