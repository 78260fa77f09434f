using Microsoft.DurableTask.Client;

namespace RankDistill.Workflows.Dashboard.Api;

/// <summary>
/// The filters of <c>GET /api/instances</c>, as query parameters: <c>status</c> (comma-separated, repeatable),
/// <c>name</c>, <c>prefix</c>, <c>createdFrom</c>, <c>createdTo</c> (ISO 8601), <c>pageSize</c> (1-1000, default 50),
/// <c>continuationToken</c>, <c>includeSubOrchestrations</c> (default true).
/// </summary>
public sealed record InstanceListQuery
{
    public const int DefaultPageSize = 50;

    public IReadOnlyList<OrchestrationRuntimeStatus> Statuses { get; init; } = [];

    /// <summary>
    /// The orchestration's name. The task hub's query has no name filter, so it is applied to each page after the query,
    /// as <see cref="IncludeSubOrchestrations"/> is.
    /// </summary>
    public string? Name { get; init; }

    public string? Prefix { get; init; }

    public DateTimeOffset? CreatedFrom { get; init; }

    public DateTimeOffset? CreatedTo { get; init; }

    public int PageSize { get; init; } = DefaultPageSize;

    public string? ContinuationToken { get; init; }

    /// <summary>
    /// False drops sub-orchestrations (instances tagged with a parent) from each page after the query, so a page may
    /// hold fewer than <see cref="PageSize"/> instances (even none) while a continuation token remains.
    /// </summary>
    public bool IncludeSubOrchestrations { get; init; } = true;
}
