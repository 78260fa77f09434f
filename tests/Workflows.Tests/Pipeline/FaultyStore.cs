using RankDistill.Activities.Storage;

namespace RankDistill.Workflows.Tests.Pipeline;

/// <summary>
/// A FAKE FAULT, for a failure these tests cannot cause for real: a store write failing once in a pipeline whose host
/// runs on the local store, where no connection can drop (what a real cut upload does to the blob store, retries and
/// all, is tested through CuttingProxy in BlobArtifactStoreTests). The first write of an artifact whose name starts
/// with <paramref name="prefix"/> throws a transient <see cref="IOException"/> before any byte is written; every other
/// call goes to the real store.
/// </summary>
internal sealed class FaultyStore(IArtifactStore inner, string prefix) : IArtifactStore
{
    private int _faults;

    /// <summary>How many writes failed (at most one).</summary>
    public int Faults => _faults;

    public string Description => inner.Description;

    public Task<ArtifactInfo> WriteAsync(string name, Func<Stream, CancellationToken, Task> produce, CancellationToken cancellationToken = default) =>
        name.StartsWith(prefix, StringComparison.Ordinal) && Interlocked.CompareExchange(ref _faults, 1, 0) == 0
            ? throw new IOException($"injected: connection reset while writing {name}")
            : inner.WriteAsync(name, produce, cancellationToken);

    public Task<Stream> OpenReadAsync(string name, CancellationToken cancellationToken = default) => inner.OpenReadAsync(name, cancellationToken);

    public Task<ArtifactInfo?> GetInfoAsync(string name, CancellationToken cancellationToken = default) => inner.GetInfoAsync(name, cancellationToken);

    public IAsyncEnumerable<ArtifactInfo> ListAsync(string prefix, CancellationToken cancellationToken = default) => inner.ListAsync(prefix, cancellationToken);

    public IAsyncEnumerable<RefusedArtifact> ListRefusedAsync(string prefix, CancellationToken cancellationToken = default) =>
        inner.ListRefusedAsync(prefix, cancellationToken);

    public Task<bool> DeleteAsync(string name, CancellationToken cancellationToken = default) => inner.DeleteAsync(name, cancellationToken);
}
