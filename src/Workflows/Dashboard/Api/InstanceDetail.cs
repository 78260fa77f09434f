using System.Text.Json.Nodes;

namespace RankDistill.Workflows.Dashboard.Api;

/// <summary>
/// One instance (<c>GET /api/instances/{id}</c>): its summary, input and output (JSON, secrets scrubbed), why it
/// failed, its run's artifacts, and the actions its status allows. What its open steps wait on is in the timeline.
/// </summary>
public sealed record InstanceDetail
{
    public required InstanceSummary Instance { get; init; }

    public JsonNode? Input { get; init; }

    public JsonNode? Output { get; init; }

    public FailureInfo? Failure { get; init; }

    /// <summary>The pipeline run's artifacts, when the input or output names a <c>runId</c>.</summary>
    public RunInfo? Run { get; init; }

    /// <summary>Artifact names found in the input and output (under <c>runs/</c> or <c>models/</c>), as download links.</summary>
    public required IReadOnlyList<ArtifactLink> Artifacts { get; init; }

    /// <summary>Actions the current status allows: terminate, suspend, resume, rewind, purge, raise-event.</summary>
    public required IReadOnlyList<string> Actions { get; init; }
}
