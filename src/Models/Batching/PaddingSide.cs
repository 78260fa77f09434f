namespace RankDistill.Models.Batching;

/// <summary>Where padding goes: after the tokens (BERT) or before them (a decoder that reads its last position).</summary>
public enum PaddingSide
{
    Right,
    Left,
}
