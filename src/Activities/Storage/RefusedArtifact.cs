namespace RankDistill.Activities.Storage;

/// <summary>
/// Something a store lists under a prefix but will not open: a name that breaks <see cref="ArtifactName"/>'s rules
/// (written by another tool), or in the local store a symbolic link. See <see cref="IArtifactStore.ListRefusedAsync"/>.
/// </summary>
/// <param name="Name">The name as the store lists it, e.g. <c>clicklogs/d1/bad:name.jsonl</c>.</param>
/// <param name="Reason">Why the store refuses it, e.g. "it contains ':', which file names on Windows cannot hold".</param>
public sealed record RefusedArtifact(string Name, string Reason);
