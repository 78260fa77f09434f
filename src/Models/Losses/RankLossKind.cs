namespace RankDistill.Models.Losses;

/// <summary>The supervised fine-tuning rank losses of method.md; pairwise hinge is the default.</summary>
public enum RankLossKind
{
    /// <summary>max(0, m − (s_i − s_j)) over pairs with y_i &gt; y_j.</summary>
    PairwiseHinge,

    /// <summary>log(1 + exp(−(s_i − s_j))) over pairs with y_i &gt; y_j (RankNet, Burges et al. 2005).</summary>
    RankNet,

    /// <summary>Cross-entropy between softmax(scores) and the labels normalised to sum to 1 (TF-Ranking's softmax loss).</summary>
    ListwiseSoftmax,
}
