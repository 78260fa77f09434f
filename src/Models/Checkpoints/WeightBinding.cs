namespace RankDistill.Models.Checkpoints;

/// <summary>
/// One checkpoint tensor and where it lives in our module: a whole parameter, or a block of rows of a
/// fused one (q/k/v in one projection, gate/up in one MLP input).
/// </summary>
/// <param name="CheckpointName">The Hugging Face name, e.g. <c>model.layers.0.self_attn.q_proj.weight</c>.</param>
/// <param name="ParameterName">Our state-dict name, e.g. <c>model.layers.0.attn.qkv.weight</c>.</param>
/// <param name="Shape">The checkpoint tensor's shape as the config implies it (the block's, when fused), known before any model is built.</param>
/// <param name="RowOffset">First row of the block when the parameter is fused.</param>
/// <param name="Rows">Rows of the block; null for the whole parameter.</param>
/// <param name="Head">Part of a task head that a checkpoint of another task lacks; absent is allowed when loading asks for a new head.</param>
/// <param name="LoadOnly">Read when a folder carries it, never written, and when absent neither an error nor reported missing (the parameter keeps its value): the decoder's score bias, which folders of earlier versions carry and Hugging Face's layout has no place for.</param>
public sealed record WeightBinding(
    string CheckpointName,
    string ParameterName,
    long[] Shape,
    long RowOffset = 0,
    long? Rows = null,
    bool Head = false,
    bool LoadOnly = false)
{
    public long ElementCount => Shape.Aggregate(1L, (a, b) => checked(a * b));
}
