namespace RankDistill.Models.Checkpoints;

/// <summary>What a load found: tensors copied, tensors the model expected but the checkpoint lacked (left at their initial values), and checkpoint tensors the model has no place for.</summary>
public sealed record WeightLoadReport(IReadOnlyList<string> Loaded, IReadOnlyList<string> Missing, IReadOnlyList<string> Unexpected);
