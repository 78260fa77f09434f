namespace RankDistill.Models.Training;

/// <summary>Reported after every update: what a heartbeat carries.</summary>
public sealed record TrainingProgress(long Step, long TotalSteps, double Loss, double LearningRate, long? LastCheckpointStep);
