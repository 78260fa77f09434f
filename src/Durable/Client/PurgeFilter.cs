namespace RankDistill.Durable.Client;

/// <summary>Which terminal instances to purge; every set filter must match.</summary>
public sealed record PurgeFilter
{
    /// <summary>Created at or after.</summary>
    public DateTimeOffset? CreatedFrom { get; init; }

    /// <summary>Created before.</summary>
    public DateTimeOffset? CreatedTo { get; init; }

    /// <summary>Only these terminal statuses; all terminal ones when null or empty. Running
    /// instances are never purged.</summary>
    public IReadOnlyCollection<OrchestrationRuntimeStatus>? Statuses { get; init; }
}
