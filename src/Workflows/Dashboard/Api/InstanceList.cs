namespace RankDistill.Workflows.Dashboard.Api;

/// <summary>One page of <c>GET /api/instances</c>; pass <see cref="ContinuationToken"/> back for the next page (null on the last).</summary>
public sealed record InstanceList(IReadOnlyList<InstanceSummary> Instances, string? ContinuationToken);
