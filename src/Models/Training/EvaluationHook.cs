namespace RankDistill.Models.Training;

/// <summary>
/// Called every <see cref="TrainerOptions.EvaluateEvery"/> updates with the step just finished; returns
/// metrics by name (e.g. "ndcg@5") for the training log. The hook sets eval mode itself (BatchScorer
/// does); the trainer puts the model back in training mode afterwards.
/// </summary>
public delegate IReadOnlyDictionary<string, double> EvaluationHook(long step);
