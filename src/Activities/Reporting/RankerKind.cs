namespace RankDistill.Activities.Reporting;

/// <summary>Which architecture a model folder holds: the LLM teacher (LLaMA/Qwen2) or a BERT student.</summary>
internal enum RankerKind
{
    Decoder,
    Bert,
}
