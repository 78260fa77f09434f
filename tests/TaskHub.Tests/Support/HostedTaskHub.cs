using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using RankDistill.TaskHub.Hosting;

namespace RankDistill.TaskHub.Tests.Support;

/// <summary>Who a host is: activities that report where they ran return it.</summary>
public sealed record HostIdentity(string Name);

/// <summary>
/// A fresh task hub of one provider, used the way the product uses it: worker hosts built with
/// <c>AddTaskHub(options).AddTasks(...).AddWorkers(...)</c> run the Microsoft.DurableTask tasks of <see cref="SdkTasks"/>,
/// and a client-only host gives the <see cref="DurableTaskClient"/> (and the gpu hub's, keyed) from dependency injection.
/// Worker processes (tests/TaskHub.TestWorker --sdk) join the same hub. Subclasses: <see cref="SqliteHostedTaskHub"/>,
/// <see cref="AzureStorageHostedTaskHub"/>.
/// </summary>
public abstract class HostedTaskHub : IAsyncDisposable
{
    private readonly List<IHost> _hosts = [];
    private IHost? _clientHost;

    /// <summary>The default queue with two activity slots.</summary>
    public static IReadOnlyDictionary<string, int> DefaultQueue { get; } = new Dictionary<string, int> { [TaskQueues.Default] = 2 };

    /// <summary>The gpu queue with one slot.</summary>
    public static IReadOnlyDictionary<string, int> GpuQueue { get; } = new Dictionary<string, int> { [TaskQueues.Gpu] = 1 };

    /// <summary>A temporary folder of this hub's (the SQLite file, journals of worker processes); deleted at the end.</summary>
    public string Folder { get; } = Directory.CreateTempSubdirectory("rankdistill-hosted-").FullName;

    /// <summary>How long a test waits for what this provider does in a moment (Azure Storage polls queues).</summary>
    public abstract TimeSpan Patience { get; }

    /// <summary>False where the provider delivers work at least once: a finished activity may run again when its lock lapses before the delete.</summary>
    public virtual bool RunsActivitiesExactlyOnce => true;

    /// <summary>Between two looks at an instance a test waits for.</summary>
    protected abstract TimeSpan ProbeInterval { get; }

    /// <summary>What a worker process needs on its command line to serve this hub (after <c>--sdk</c>).</summary>
    public abstract IReadOnlyList<string> WorkerProcessArguments { get; }

    /// <summary>What a worker process needs in its environment (a secret stays off the command line).</summary>
    public virtual IReadOnlyDictionary<string, string> WorkerProcessEnvironment { get; } = new Dictionary<string, string>();

    public DurableTaskClient Client => ClientHost.Services.GetRequiredService<DurableTaskClient>();

    /// <summary>The gpu queue's hub, where each GPU step is a <c>GpuStep</c> orchestration.</summary>
    public DurableTaskClient GpuClient => ClientHost.Services.GetRequiredKeyedService<DurableTaskClient>(TaskQueues.Gpu);

    private IHost ClientHost => _clientHost ??= Build("client", queues: null);

    /// <summary>The settings a process on this hub reads: a new object each time, as each process has its own.</summary>
    public abstract TaskHubOptions Options();

    /// <summary>Starts a host named <paramref name="name"/> serving <paramref name="queues"/>; returns once its workers poll.</summary>
    public async Task<IHost> StartWorkerAsync(string name, IReadOnlyDictionary<string, int> queues)
    {
        var host = Build(name, queues);
        lock (_hosts)
            _hosts.Add(host);
        using var deadline = Deadline();
        await host.StartAsync(deadline.Token);
        // A worker's ExecuteAsync creates its hubs and starts DurableTask.Core's TaskHubWorker: once it returns, it polls.
        foreach (var worker in host.Services.GetServices<IHostedService>().OfType<BackgroundService>())
            await worker.ExecuteTask!.WaitAsync(deadline.Token);
        return host;
    }

    /// <summary>Cancelled after <see cref="Patience"/> or when the test is.</summary>
    public CancellationTokenSource Deadline()
    {
        var deadline = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        deadline.CancelAfter(Patience);
        return deadline;
    }

    public static string NewId(string prefix = "i") => $"{prefix}-{Guid.NewGuid():N}";

    public Task<string> ScheduleAsync(TaskName orchestrator, object? input, string? instanceId = null, DateTimeOffset? startAt = null) =>
        Client.ScheduleNewOrchestrationInstanceAsync(orchestrator, input, new StartOrchestrationOptions(instanceId ?? NewId(), startAt), TestContext.Current.CancellationToken);

    /// <summary>Waits until the instance satisfies <paramref name="until"/> (default: it has finished); read with inputs and outputs.</summary>
    public async Task<OrchestrationMetadata> WaitAsync(string instanceId, Func<OrchestrationMetadata, bool>? until = null, DurableTaskClient? client = null)
    {
        until ??= m => m.IsCompleted;
        OrchestrationMetadata? last = null;
        return await Eventually.WaitAsync(
            async () => (last = await (client ?? Client).GetInstancesAsync(instanceId, getInputsAndOutputs: true)) is { } state && until(state) ? state : null,
            Patience, () => $"{instanceId}; last seen {last?.RuntimeStatus.ToString() ?? "nowhere"} ({last?.SerializedCustomStatus}, {last?.FailureDetails})", ProbeInterval);
    }

    /// <summary>Waits for the instance to finish and asserts that it completed.</summary>
    public async Task<OrchestrationMetadata> CompletedAsync(string instanceId)
    {
        var state = await WaitAsync(instanceId);
        Assert.True(state.RuntimeStatus == OrchestrationRuntimeStatus.Completed, $"{instanceId} is {state.RuntimeStatus}: {state.FailureDetails}");
        return state;
    }

    public virtual async ValueTask DisposeAsync()
    {
        // A host's StopAsync hands running activities back and stops its dispatchers; in parallel, the test is over.
        await Task.WhenAll(_hosts.Append(_clientHost).OfType<IHost>().Select(StopAsync));
        Directory.Delete(Folder, recursive: true);
        GC.SuppressFinalize(this);
    }

    private static async Task StopAsync(IHost host)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await host.StopAsync(timeout.Token);
        // The task hubs are IAsyncDisposable only: a host must be disposed asynchronously.
        await ((IAsyncDisposable)host).DisposeAsync();
    }

    private IHost Build(string name, IReadOnlyDictionary<string, int>? queues)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddSingleton<ILoggerFactory>(TestLoggerFactory.Instance);
        builder.Services.AddSingleton(new HostIdentity(name));
        var taskHub = SdkTasks.AddTo(builder.Services.AddTaskHub(Options()));
        if (queues is not null)
            taskHub.AddWorkers(queues);
        return builder.Build();
    }
}
