using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using RankDistill.Workflows.Hosting;

namespace RankDistill.Workflows.Dashboard;

/// <summary>
/// The addresses Kestrel actually listens on, which may differ from <see cref="DashboardOptions.Urls"/>: a
/// <c>Kestrel:Endpoints</c> setting wins over them. Once the server has started, the host refuses to run beyond
/// loopback without <c>Dashboard:ApiKey</c>; until then (and should the check be bypassed) the security middleware
/// reads <see cref="IsExposed"/> from here, not from the options.
/// </summary>
internal sealed class ListeningAddresses(IServer server, DashboardOptions options) : IHostedLifecycleService
{
    private IReadOnlyList<string>? _exposed;

    /// <summary>True when the options or any bound address reach beyond loopback.</summary>
    public bool IsExposed => options.IsExposed || Exposed().Count > 0;

    public Task StartedAsync(CancellationToken cancellationToken)
    {
        if (options.ApiKey is null && Exposed() is { Count: > 0 } exposed)
        {
            throw new InvalidSettingsException($"Dashboard:ApiKey is required when the dashboard listens on a non-loopback address "
                + $"({string.Join(", ", exposed)}, as bound: check Kestrel:Endpoints too); set it (e.g. environment variable Dashboard__ApiKey, "
                + $"at least {DashboardOptions.MinApiKeyLength} random characters) or listen on {DashboardOptions.DefaultUrl}");
        }
        return Task.CompletedTask;
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    // Kestrel fills the feature as it binds, before it accepts a connection; the list is final once it is not empty.
    private IReadOnlyList<string> Exposed()
    {
        if (_exposed is not null)
            return _exposed;
        var bound = server.Features.Get<IServerAddressesFeature>()?.Addresses.ToList() ?? [];
        var exposed = bound.Where(a => !BindingAddresses.IsLoopback(a)).ToList();
        if (bound.Count > 0)
            _exposed = exposed;
        return exposed;
    }
}
