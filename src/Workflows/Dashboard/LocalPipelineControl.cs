using RankDistill.Workflows.Dashboard.Api;

namespace RankDistill.Workflows.Dashboard;

/// <summary><see cref="IPipelineControl"/> on the task hub of this machine's settings, through the services the dashboard itself uses.</summary>
public sealed class LocalPipelineControl(IServiceProvider services, string location) : IPipelineControl
{
    private readonly InstanceQueries _queries = services.GetRequiredService<InstanceQueries>();
    private readonly InstanceActions _actions = services.GetRequiredService<InstanceActions>();

    public string Location { get; } = location;

    public Task<InstanceList> ListAsync(InstanceListQuery query, CancellationToken cancellationToken) => _queries.ListAsync(query, cancellationToken);

    public Task<InstanceDetail?> GetAsync(string instanceId, CancellationToken cancellationToken) => _queries.GetAsync(instanceId, cancellationToken);

    public Task<Timeline?> GetTimelineAsync(string instanceId, CancellationToken cancellationToken) => _queries.GetTimelineAsync(instanceId, cancellationToken);

    public Task<ActionResult> TerminateAsync(string instanceId, string? reason, CancellationToken cancellationToken) =>
        _actions.TerminateAsync(instanceId, reason, cancellationToken);

    public Task<ActionResult> RewindAsync(string instanceId, string? reason, CancellationToken cancellationToken) =>
        _actions.RewindAsync(instanceId, reason, cancellationToken);

    /// <remarks>
    /// The task hub's clients and connections dispose only asynchronously. This runs once, as the CLI command ends, on a
    /// thread without a synchronization context, so waiting here cannot deadlock.
    /// </remarks>
    public void Dispose()
    {
        if (services is IAsyncDisposable asynchronous)
            asynchronous.DisposeAsync().AsTask().GetAwaiter().GetResult();
        else
            (services as IDisposable)?.Dispose();
    }
}
