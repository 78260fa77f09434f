namespace RankDistill.Models.Llm;

/// <summary>
/// Which summary of the decoder's last layer a <see cref="DecoderRanker"/> scores. The paper's is
/// <see cref="LastToken"/>: under causal attention only the final <c>&lt;/s&gt;</c> has read the whole query and
/// document. <see cref="Mean"/> (the average over the real tokens) is the alternative the paper argues against, kept
/// so that the claim can be checked (<c>ablate</c>).
/// </summary>
public enum DecoderPooling
{
    LastToken,
    Mean,
}
