using static TorchSharp.torch;

namespace RankDistill.Models.Losses;

/// <summary>
/// Rank losses over a batch of query lists padded to one length: scores, labels and mask are (Q, L),
/// the mask true on real documents. Padded positions contribute nothing, whatever their score.
/// Losses are means (over pairs, or over queries for the listwise loss) rather than method.md's sums,
/// so the learning rate does not depend on list length; the gradient direction is the same.
/// </summary>
public static class RankLoss
{
    /// <summary>The margin m of the hinge: a score gap of 1 between grades is enough.</summary>
    public const double DefaultMargin = 1.0;

    public static Tensor Compute(RankLossKind kind, Tensor scores, Tensor labels, Tensor mask, double margin = DefaultMargin) => kind switch
    {
        RankLossKind.PairwiseHinge => Pairwise(scores, labels, mask, diff => nn.functional.relu(margin - diff)),
        RankLossKind.RankNet => Pairwise(scores, labels, mask, diff => nn.functional.softplus(-diff)),
        RankLossKind.ListwiseSoftmax => ListwiseSoftmax(scores, labels, mask),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown rank loss."),
    };

    /// <summary>Mean of <paramref name="pairLoss"/>(s_i − s_j) over pairs of real documents of one query with y_i &gt; y_j; 0 when there is none.</summary>
    private static Tensor Pairwise(Tensor scores, Tensor labels, Tensor mask, Func<Tensor, Tensor> pairLoss)
    {
        QueryLists.CheckShapes(scores, labels, mask);
        // Padded scores may be anything (even NaN); zero them so no NaN reaches the masked sum or its gradient.
        var s = scores.masked_fill(mask.logical_not(), 0);
        var diff = s.unsqueeze(2) - s.unsqueeze(1);                          // (Q, L, L): s_i - s_j
        var pairs = labels.unsqueeze(2).gt(labels.unsqueeze(1))              // (Q, L, L): y_i > y_j
            .logical_and(mask.unsqueeze(2)).logical_and(mask.unsqueeze(1));
        var losses = pairLoss(diff).masked_fill(pairs.logical_not(), 0);
        return losses.sum() / pairs.sum().clamp_min(1);
    }

    /// <summary>
    /// −Σ_i p_i log softmax(s)_i with p = y / Σ y over the real documents, averaged over the queries
    /// that have a positive label (a query of all zeros defines no target). Labels must be non-negative.
    /// </summary>
    private static Tensor ListwiseSoftmax(Tensor scores, Tensor labels, Tensor mask)
    {
        QueryLists.CheckShapes(scores, labels, mask);
        var notMask = mask.logical_not();
        var y = labels.masked_fill(notMask, 0);
        var total = y.sum(1, keepdim: true);                                 // (Q, 1)
        var target = y / total.clamp_min(1e-12);                             // (Q, L), rows sum to 1 or 0

        // A large finite negative rather than -inf keeps a fully padded row finite (uniform), then unused.
        var logProbs = nn.functional.log_softmax(scores.masked_fill(notMask, -1e9), 1).masked_fill(notMask, 0);
        var perQuery = -(target * logProbs).sum(1);                          // (Q)
        var hasTarget = total.squeeze(1).gt(0);
        return perQuery.masked_fill(hasTarget.logical_not(), 0).sum() / hasTarget.sum().clamp_min(1);
    }
}
