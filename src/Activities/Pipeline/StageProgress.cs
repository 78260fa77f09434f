namespace RankDistill.Activities.Pipeline;

/// <summary>
/// Where a training stage is (<see cref="RunLayout.Progress"/>, written by <see cref="StageProgressWriter"/>): the
/// updates done out of the total, the latest loss, and the step of the newest checkpoint (where a crash resumes).
/// </summary>
public sealed record StageProgress(string Stage, long Done, long Total, double? Loss, long? LastCheckpointStep);
