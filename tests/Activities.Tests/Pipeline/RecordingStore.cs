using RankDistill.Activities.Storage;

namespace RankDistill.Activities.Tests.Pipeline;

/// <summary>
/// The local store as the activities see it in these tests: every write's name is recorded, and a test can have the
/// running activity cancelled once its stage has published its loss log a given number of times (once per checkpoint),
/// as a worker is stopped mid-stage, which is the state a resumed run starts from.
/// </summary>
internal sealed class RecordingStore(LocalArtifactStore inner) : IArtifactStore
{
    private readonly List<string> _writes = [];
    private (int Checkpoints, CancellationTokenSource Cancel)? _interrupt;

    public string Description => inner.Description;

    /// <summary>Names written so far, in order.</summary>
    public IReadOnlyList<string> Writes
    {
        get
        {
            lock (_writes)
                return [.. _writes];
        }
    }

    /// <summary>Cancels <paramref name="cancel"/> once <paramref name="checkpoints"/> loss logs have been published from now on.</summary>
    public void InterruptAfter(int checkpoints, CancellationTokenSource cancel) => _interrupt = (checkpoints, cancel);

    public async Task<ArtifactInfo> WriteAsync(string name, Func<Stream, CancellationToken, Task> produce, CancellationToken cancellationToken = default)
    {
        var info = await inner.WriteAsync(name, produce, cancellationToken);
        lock (_writes)
            _writes.Add(name);
        // The stage's published curve (runs/<id>/training/<stage>/loss.jsonl), not the copy inside each checkpoint set.
        if (_interrupt is { } interrupt && name.Contains("/training/", StringComparison.Ordinal) && name.EndsWith("/loss.jsonl", StringComparison.Ordinal))
        {
            _interrupt = interrupt with { Checkpoints = interrupt.Checkpoints - 1 };
            if (interrupt.Checkpoints == 1)
            {
                _interrupt = null;
                await interrupt.Cancel.CancelAsync();
            }
        }
        return info;
    }

    public Task<Stream> OpenReadAsync(string name, CancellationToken cancellationToken = default) => inner.OpenReadAsync(name, cancellationToken);

    public Task<ArtifactInfo?> GetInfoAsync(string name, CancellationToken cancellationToken = default) => inner.GetInfoAsync(name, cancellationToken);

    public IAsyncEnumerable<ArtifactInfo> ListAsync(string prefix, CancellationToken cancellationToken = default) => inner.ListAsync(prefix, cancellationToken);

    public IAsyncEnumerable<RefusedArtifact> ListRefusedAsync(string prefix, CancellationToken cancellationToken = default) =>
        inner.ListRefusedAsync(prefix, cancellationToken);

    public Task<bool> DeleteAsync(string name, CancellationToken cancellationToken = default) => inner.DeleteAsync(name, cancellationToken);
}
