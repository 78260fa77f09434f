namespace RankDistill.Activities.Storage;

/// <summary>What a store knows about one artifact without reading it.</summary>
/// <param name="Name">The artifact name, e.g. <c>runs/r1/report.json</c>.</param>
/// <param name="Size">Length in bytes.</param>
/// <param name="ETag">Changes whenever the content is replaced (quoted, as HTTP ETags are); compare, never parse.</param>
/// <param name="LastModified">When the current content was committed.</param>
public sealed record ArtifactInfo(string Name, long Size, string ETag, DateTimeOffset LastModified);
