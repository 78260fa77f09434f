namespace RankDistill.Workflows.Dashboard.Api;

/// <summary>What a pipeline run has made so far: the training stages with a loss curve, the report and the manifest.</summary>
public sealed record RunInfo(string RunId, IReadOnlyList<string> LossStages, ArtifactLink? ReportJson, ArtifactLink? ReportHtml, ArtifactLink? Manifest);

/// <summary>An artifact and the API address that streams it (<c>GET /api/artifacts/{name}</c>).</summary>
public sealed record ArtifactLink(string Name, string Url, long? Size);
