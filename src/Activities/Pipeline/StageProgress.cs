namespace RankDistill.Activities.Pipeline;

/// <summary>
/// What a long step reports in its heartbeats (and so what the orchestration's custom status and the dashboard can
/// show): the stage, the unit of work done out of the total (training updates, or documents scored), the latest loss
/// and the step of the newest checkpoint (the point a crash resumes from).
/// </summary>
public sealed record StageProgress(string Stage, long Done, long Total, double? Loss, long? LastCheckpointStep);
