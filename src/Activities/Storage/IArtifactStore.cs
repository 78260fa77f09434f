namespace RankDistill.Activities.Storage;

/// <summary>
/// Named files (artifacts) in a local folder or Azure Blob Storage. Names are <c>/</c>-separated relative
/// paths whose first segment is an area (<c>clicklogs</c>, <c>labels</c>, <c>models</c>, <c>runs</c>), see
/// <see cref="ArtifactName"/>; a name that breaks a rule is refused with <see cref="InvalidArtifactNameException"/>
/// before anything is written. Content is streamed both ways with bounded memory, so checkpoints of many GB pass.
/// Permanent failures surface as <see cref="ArtifactStoreException"/>; transient ones are retried inside the store.
/// Sets of files published together (checkpoints) live on top of this interface, see <see cref="ArtifactSets"/>.
/// </summary>
public interface IArtifactStore
{
    /// <summary>Where the store keeps its data, for messages: a folder, or an account URL without secrets.</summary>
    string Description { get; }

    /// <summary>
    /// Writes <paramref name="name"/> atomically: <paramref name="produce"/> writes the content to a write-only stream,
    /// and the artifact appears (or replaces the old one) only if it completes; if it throws or the token is cancelled,
    /// nothing changes. The producer may dispose the stream; the store commits after the producer returns.
    /// Two writes of one name at once never mix: the local store lets the last to finish win; Blob Storage lets the
    /// first to commit win and fails the other with <see cref="ArtifactStoreException"/> (code <c>InvalidBlockList</c>).
    /// </summary>
    Task<ArtifactInfo> WriteAsync(string name, Func<Stream, CancellationToken, Task> produce, CancellationToken cancellationToken = default);

    /// <summary>Opens <paramref name="name"/> for reading; throws <see cref="ArtifactNotFoundException"/> when it does not exist.</summary>
    Task<Stream> OpenReadAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>Size, ETag and modification time of <paramref name="name"/>, or null when it does not exist.</summary>
    Task<ArtifactInfo?> GetInfoAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>
    /// Artifacts whose names start with <paramref name="prefix"/> (plain string prefix after the area, e.g.
    /// <c>runs/r1/</c> or <c>runs/r1/step-</c>), in ordinal name order. An empty area lists nothing.
    /// </summary>
    IAsyncEnumerable<ArtifactInfo> ListAsync(string prefix, CancellationToken cancellationToken = default);

    /// <summary>
    /// What <see cref="ListAsync"/> leaves out under <paramref name="prefix"/> because no caller could open it, with the
    /// reason: names that break <see cref="ArtifactName"/>'s rules (written by other tools) and, in the local store,
    /// symbolic links. A reader that must account for every file of a folder (PrepareData) reports these.
    /// </summary>
    IAsyncEnumerable<RefusedArtifact> ListRefusedAsync(string prefix, CancellationToken cancellationToken = default);

    /// <summary>Deletes <paramref name="name"/>; returns false when it did not exist.</summary>
    Task<bool> DeleteAsync(string name, CancellationToken cancellationToken = default);
}
