using RankDistill.Durable;

namespace RankDistill.Workflows.Tests.Dashboard;

/// <summary>One dashboard host for a test class, with one pipeline already run to completion.</summary>
public sealed class DashboardHostFixture : IAsyncLifetime
{
    public const string CompletedDrop = "drop-0001";

    private DashboardTestHost? _host;

    public DashboardTestHost Host => _host ?? throw new InvalidOperationException("The host has not started.");

    public string CompletedId { get; private set; } = "";

    public async ValueTask InitializeAsync()
    {
        _host = await DashboardTestHost.StartAsync();
        CompletedId = await Host.StartPipelineAsync(CompletedDrop);
        var done = await Host.WaitForEndAsync(CompletedId);
        if (done.RuntimeStatus != OrchestrationRuntimeStatus.Completed)
            throw new InvalidOperationException($"The fixture's pipeline ended {done.RuntimeStatus}: {done.FailureDetails}");
    }

    public async ValueTask DisposeAsync()
    {
        if (_host is not null)
            await _host.DisposeAsync();
    }
}
