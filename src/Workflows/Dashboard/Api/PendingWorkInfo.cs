using System.Text.Json.Nodes;

namespace RankDistill.Workflows.Dashboard.Api;

/// <summary>
/// Work an instance waits on. <see cref="State"/>: <c>running</c> (a worker holds it), <c>waiting</c> (queued and
/// visible, no worker of its queue has taken it: not a failure), <c>delayed</c> (not visible before
/// <see cref="VisibleAt"/>), or <c>message</c> (a result, timer or event not yet processed).
/// </summary>
public sealed record PendingWorkInfo
{
    public required string Kind { get; init; }

    public required string Name { get; init; }

    public required string State { get; init; }

    /// <summary>One line for people, e.g. "waiting for a worker on queue 'gpu' since 12:00:01Z".</summary>
    public required string Description { get; init; }

    public string? Queue { get; init; }

    public int? TaskId { get; init; }

    public int? Attempt { get; init; }

    public required DateTimeOffset EnqueuedAt { get; init; }

    public required DateTimeOffset VisibleAt { get; init; }

    public required int DispatchCount { get; init; }

    public string? LockedBy { get; init; }

    public DateTimeOffset? LockedUntil { get; init; }

    /// <summary>The running activity's latest heartbeat details (its progress), secrets scrubbed.</summary>
    public JsonNode? Heartbeat { get; init; }
}
