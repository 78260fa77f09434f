using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;

namespace RankDistill.Workflows.Tests.Dashboard;

/// <summary>One dashboard host for a test class, with one <see cref="MimicPipeline"/> already run to completion.</summary>
public class DashboardHostFixture : IAsyncLifetime
{
    public const string CompletedDrop = "drop-0001";

    private DashboardTestHost? _host;

    public DashboardTestHost Host => _host ?? throw new InvalidOperationException("The host has not started.");

    public string CompletedId { get; private set; } = "";

    public async ValueTask InitializeAsync()
    {
        _host = await StartHostAsync();
        CompletedId = await StartCompletedAsync(Host);
        var done = await Host.WaitForEndAsync(CompletedId);
        if (done.RuntimeStatus != OrchestrationRuntimeStatus.Completed)
            throw new InvalidOperationException($"The fixture's pipeline ended {done.RuntimeStatus}: {done.FailureDetails}");
    }

    public async ValueTask DisposeAsync()
    {
        if (_host is not null)
            await _host.DisposeAsync();
        GC.SuppressFinalize(this);
    }

    protected virtual Task<DashboardTestHost> StartHostAsync() => DashboardTestHost.StartAsync();

    /// <summary>Starts the pipeline the fixture's tests look at; returns its instance id.</summary>
    protected virtual Task<string> StartCompletedAsync(DashboardTestHost host) => host.StartPipelineAsync(CompletedDrop);
}

/// <summary>The host of the browser tests: its completed pipeline is <see cref="PipelineUnderTest"/>.</summary>
public sealed class BrowserHostFixture : DashboardHostFixture
{
    protected override Task<DashboardTestHost> StartHostAsync() => DashboardTestHost.StartAsync(serveGpu: true);

    protected override async Task<string> StartCompletedAsync(DashboardTestHost host) =>
        await host.Client.ScheduleNewOrchestrationInstanceAsync(PipelineUnderTest.Name, await PipelineUnderTest.InputAsync(host, CompletedDrop),
            new StartOrchestrationOptions { InstanceId = PipelineUnderTest.InstanceId(CompletedDrop) }, TestContext.Current.CancellationToken);
}
