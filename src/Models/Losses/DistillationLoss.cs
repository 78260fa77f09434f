using static TorchSharp.torch;

namespace RankDistill.Models.Losses;

/// <summary>
/// The distillation loss of method.md: α · point-wise MSE + β · margin MSE, student against teacher
/// scores, over query lists padded to one length ((Q, L) tensors, mask true on real documents).
/// Margins are taken over every pair of real documents within one query.
/// </summary>
public static class DistillationLoss
{
    /// <summary>α and β default to 1 and 1, the paper's hybrid of both terms.</summary>
    public static Tensor Compute(Tensor student, Tensor teacher, Tensor mask, double alpha = 1.0, double beta = 1.0)
    {
        if (alpha < 0 || beta < 0)
            throw new ArgumentOutOfRangeException(nameof(alpha), $"α and β must be non-negative; got {alpha} and {beta}.");
        return alpha * PointwiseMse(student, teacher, mask) + beta * MarginMse(student, teacher, mask);
    }

    /// <summary>mean over real documents of (s_S − s_T)².</summary>
    public static Tensor PointwiseMse(Tensor student, Tensor teacher, Tensor mask)
    {
        QueryLists.CheckShapes(student, teacher, mask);
        var squared = (student - teacher).square().masked_fill(mask.logical_not(), 0);
        return squared.sum() / mask.sum().clamp_min(1);
    }

    /// <summary>
    /// mean over pairs (i, j), i ≠ j, of real documents of one query of ((s_S,i − s_S,j) − (s_T,i − s_T,j))²;
    /// ordered and unordered pairs give the same mean since the term is symmetric. 0 when no query has two documents.
    /// </summary>
    public static Tensor MarginMse(Tensor student, Tensor teacher, Tensor mask)
    {
        QueryLists.CheckShapes(student, teacher, mask);
        var notMask = mask.logical_not();
        var gap = (student - teacher).masked_fill(notMask, 0);            // (Q, L): the margin error is a difference of gaps
        var marginError = gap.unsqueeze(2) - gap.unsqueeze(1);             // (Q, L, L)
        var identity = eye(mask.shape[1], dtype: ScalarType.Bool, device: mask.device);
        var pairs = mask.unsqueeze(2).logical_and(mask.unsqueeze(1)).logical_and(identity.logical_not());
        var squared = marginError.square().masked_fill(pairs.logical_not(), 0);
        return squared.sum() / pairs.sum().clamp_min(1);
    }
}
