namespace RankDistill.Models.Tokenization;

/// <summary>The special tokens a model's input layout uses; which are set depends on the model family.</summary>
/// <param name="IsCrossEncoder">BERT's [CLS]/[SEP] layout with token types; otherwise a decoder's.</param>
/// <param name="PadId">Padding id.</param>
/// <param name="ClassificationId">[CLS] (cross-encoder).</param>
/// <param name="SeparatorId">[SEP] (cross-encoder).</param>
/// <param name="BeginId">Beginning-of-sequence token a decoder starts with (LLaMA's &lt;s&gt;); null where the family has none (Qwen2).</param>
/// <param name="EndId">End token a decoder input ends with (&lt;/s&gt;, &lt;|endoftext|&gt;).</param>
/// <param name="MaskId">[MASK], which masked-LM pre-training puts in place of hidden tokens (cross-encoder).</param>
public sealed record PairLayout(bool IsCrossEncoder, int PadId, int ClassificationId = -1, int SeparatorId = -1, int? BeginId = null, int EndId = -1, int MaskId = -1);
