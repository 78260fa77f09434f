using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using RankDistill.Activities.Pipeline;
using RankDistill.Activities.Reporting;
using RankDistill.Activities.Storage;
using RankDistill.TaskHub;
using RankDistill.Workflows.Hosting;
using RankDistill.Workflows.Orchestrations;

namespace RankDistill.Workflows.Tests.Pipeline;

/// <summary>
/// The pipeline in this process the way the host runs it: settings read and validated from configuration (Tiny preset,
/// CPU), the configured store (a local folder, or Azurite) and a SQLite task hub under <see cref="DataRoot"/>, every
/// registered task, and workers on the default and gpu queues with fast polling.
/// </summary>
internal sealed class PipelineTestHost : IAsyncDisposable
{
    private readonly IHost _host;

    private PipelineTestHost(IHost host, string dataRoot)
    {
        _host = host;
        DataRoot = dataRoot;
    }

    public string DataRoot { get; }

    public IServiceProvider Services => _host.Services;

    public DurableTaskClient Client => Services.GetRequiredService<DurableTaskClient>();

    /// <summary>The gpu queue's task hub, where each GPU step runs as a <c>GpuStep</c> orchestration.</summary>
    public DurableTaskClient GpuClient => Services.GetRequiredKeyedService<DurableTaskClient>(TaskQueues.Gpu);

    public IArtifactStore Store => Services.GetRequiredService<IArtifactStore>();

    public HostSettings Settings => Services.GetRequiredService<HostSettings>();

    /// <param name="dataRoot">Data:Root: the task hub file and (for a local store) the store live under it.</param>
    /// <param name="settings">More settings, e.g. <c>Storage:Kind</c> = Blob; they override the test defaults.</param>
    /// <param name="services">Extra registrations (a fault hook), applied last.</param>
    /// <param name="worker">False for a client-only host (the watcher tests).</param>
    /// <param name="queues">The queues its workers serve; default both, the default queue with 2 slots, gpu with 1.</param>
    public static async Task<PipelineTestHost> StartAsync(
        string dataRoot, IReadOnlyDictionary<string, string?>? settings = null, Action<IServiceCollection>? services = null, bool worker = true,
        IReadOnlyDictionary<string, int>? queues = null)
    {
        var values = new Dictionary<string, string?>
        {
            ["Data:Root"] = dataRoot,
            ["Torch:Device"] = "cpu",
            // One thread: float sums in one order, so a worker process and this one compute the same bits.
            ["Torch:Threads"] = "1",
            ["Pipeline:Preset"] = "Tiny",
            ["TaskHub:MaxPollInterval"] = "00:00:00.050",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
            values[key] = value;
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        var builder = new HostApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        var hostSettings = HostSettings.Load(configuration);
        var taskHub = builder.Services.AddHostSettings(hostSettings).AddArtifactStore().AddPipelineTaskHub(hostSettings.TaskHub);
        // Throughput is measured on a few documents: the figure is not what these tests check.
        builder.Services.AddSingleton(Options.Create(new EvaluationOptions { ThroughputDocuments = 32, WarmupDocuments = 8, TimedPasses = 1 }));
        if (worker)
            taskHub.AddWorkers(queues ?? new Dictionary<string, int> { [TaskQueues.Default] = 2, [TaskQueues.Gpu] = 1 });
        services?.Invoke(builder.Services);
        var app = builder.Build();
        await app.StartAsync(TestContext.Current.CancellationToken);
        return new PipelineTestHost(app, dataRoot);
    }

    /// <summary>Submits the drop's pipeline with the host's settings (or <paramref name="settings"/>) and waits until it finishes.</summary>
    public async Task<OrchestrationMetadata> RunAsync(string dropId, PipelineSettings? settings = null, TimeSpan? timeout = null)
    {
        var outcome = await PipelineSubmission.SubmitAsync(Client, dropId, settings ?? Settings.Pipeline.Settings, TestContext.Current.CancellationToken);
        Assert.True(outcome.Started, $"{outcome.InstanceId} existed already ({outcome.ExistingStatus})");
        return await WaitAsync(outcome.InstanceId, timeout);
    }

    public async Task<OrchestrationMetadata> WaitAsync(string instanceId, TimeSpan? timeout = null)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        deadline.CancelAfter(timeout ?? TimeSpan.FromMinutes(3));
        return await Client.WaitForInstanceCompletionAsync(instanceId, getInputsAndOutputs: true, deadline.Token);
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync(CancellationToken.None);
        _host.Dispose();
    }
}
