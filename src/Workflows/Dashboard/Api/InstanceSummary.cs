using System.Text.Json.Nodes;
using Microsoft.DurableTask.Client;

namespace RankDistill.Workflows.Dashboard.Api;

/// <summary>
/// One instance as the list shows it (<c>GET /api/instances</c>). <see cref="DropId"/> and <see cref="RunId"/> come
/// from the pipeline's input (or output), <see cref="CurrentStep"/>, <see cref="Progress"/> and <see cref="Detail"/>
/// from its custom status <c>{ "step", "progress", "detail" }</c>; each is null for orchestrations that lack them.
/// </summary>
public sealed record InstanceSummary
{
    public required string InstanceId { get; init; }

    public required string Name { get; init; }

    public required OrchestrationRuntimeStatus Status { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    public required DateTimeOffset LastUpdatedAt { get; init; }

    /// <summary>When it ended (its last update, once Completed, Failed or Terminated).</summary>
    public DateTimeOffset? CompletedAt { get; init; }

    /// <summary>Creation to completion, or to now while it runs.</summary>
    public required double DurationSeconds { get; init; }

    public string? DropId { get; init; }

    public string? RunId { get; init; }

    public string? CurrentStep { get; init; }

    /// <summary>0 to 1 within <see cref="CurrentStep"/>.</summary>
    public double? Progress { get; init; }

    public string? Detail { get; init; }

    /// <summary>The custom status as the orchestration set it, secrets scrubbed.</summary>
    public JsonNode? CustomStatus { get; init; }

    /// <summary>Set for a sub-orchestration (e.g. teacher labelling): its parent's id, from the parent tag it was started with.</summary>
    public string? ParentInstanceId { get; init; }
}
