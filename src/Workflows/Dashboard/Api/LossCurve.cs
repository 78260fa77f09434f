namespace RankDistill.Workflows.Dashboard.Api;

/// <summary>
/// A training stage's loss curve (<c>GET /api/runs/{runId}/loss/{stage}</c>), parsed from the trainer's
/// <c>loss.jsonl</c>. <see cref="TotalPoints"/> counts the log's training lines; <see cref="Points"/> is at most the
/// requested number of them, evenly thinned (first and last kept).
/// </summary>
public sealed record LossCurve(string RunId, string Stage, int TotalPoints, IReadOnlyList<LossPoint> Points, IReadOnlyList<EvalPoint> Evaluations);

public sealed record LossPoint(long Step, double? Loss, double? LearningRate, double? GradNorm, long? Epoch);

public sealed record EvalPoint(long Step, IReadOnlyDictionary<string, double> Metrics);
