namespace RankDistill.Models.Training;

/// <summary>How the learning rate falls from its peak after warm-up to its floor at the last step.</summary>
public enum DecayKind
{
    Cosine,
    Linear,
}
