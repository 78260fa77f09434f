namespace RankDistill.Models.Training;

/// <summary>How a run ended: the weights are in the model, the last checkpoint in the store.</summary>
public sealed record TrainingResult(long Steps, long? ResumedFromStep, long LastCheckpointStep, double FinalLoss, string LossLogPath);
