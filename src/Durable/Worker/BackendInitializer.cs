using RankDistill.Durable.Backends;

namespace RankDistill.Durable.Worker;

/// <summary>Creates or migrates the backend's schema once per process, whichever of the client
/// and the worker asks first.</summary>
internal sealed class BackendInitializer(IDurableBackend backend)
{
    private readonly Lock _gate = new();
    private Task? _initialized;

    public Task EnsureAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_initialized is null || _initialized.IsFaulted || _initialized.IsCanceled)
                _initialized = backend.InitializeAsync(cancellationToken);
            return _initialized;
        }
    }
}
