namespace RankDistill.Durable.Client;

/// <summary>Filters for listing instances; every set filter must match. Results are ordered by
/// creation time, newest first, then by id.</summary>
public sealed record InstanceQuery
{
    /// <summary>Only these statuses; all when null or empty.</summary>
    public IReadOnlyCollection<OrchestrationRuntimeStatus>? Statuses { get; init; }

    /// <summary>Only instances of this orchestrator.</summary>
    public string? Name { get; init; }

    /// <summary>Created at or after.</summary>
    public DateTimeOffset? CreatedFrom { get; init; }

    /// <summary>Created before.</summary>
    public DateTimeOffset? CreatedTo { get; init; }

    /// <summary>Only ids starting with this text.</summary>
    public string? InstanceIdPrefix { get; init; }

    /// <summary>Most instances in one page (1 to 1000).</summary>
    public int PageSize { get; init; } = 100;

    /// <summary>From <see cref="InstancePage.ContinuationToken"/> of the previous page; null for the first.</summary>
    public string? ContinuationToken { get; init; }
}

/// <summary>One page of a query; <see cref="ContinuationToken"/> is null on the last page.</summary>
public sealed record InstancePage(IReadOnlyList<OrchestrationMetadata> Instances, string? ContinuationToken);
