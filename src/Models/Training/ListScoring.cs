using RankDistill.Models.Batching;
using RankDistill.Models.Losses;
using static TorchSharp.torch;

namespace RankDistill.Models.Training;

/// <summary>Scores every document of a batch of query lists in one forward pass and lays the scores out as (Q, L) lists.</summary>
internal static class ListScoring
{
    public static ItemShape ShapeOf(QueryList list) => new(list.Documents.Count, list.Documents.Max(d => d.Length));

    /// <summary>(scores, targets, mask), each (Q, L) on the collator's device.</summary>
    public static (Tensor Scores, Tensor Targets, Tensor Mask) Score(IRanker ranker, IReadOnlyList<QueryList> batch, Collator collator)
    {
        using var tokens = collator.Collate(batch.SelectMany(l => l.Documents).ToArray());
        var flat = ranker.Score(tokens);                                              // (N), N = all documents
        var (scores, mask) = QueryLists.Pad(flat, batch.Select(l => l.Documents.Count).ToArray());
        var targets = QueryLists.PadValues(batch.Select(l => l.Targets).ToArray(), collator.Device);
        return (scores, targets, mask);
    }
}
