using DurableTask.Core;
using DurableTask.Core.History;

namespace RankDistill.TaskHub.Tests.Support;

/// <summary>
/// Timings a test asks of a hub's services. The locks default to the product's 2 minutes: on a busy machine an
/// Azurite round trip can take seconds, and a lock that expires under a live worker delivers its message twice.
/// Only a test about taking over a dead worker's work shortens them.
/// </summary>
public sealed record HubTimings
{
    public TimeSpan ActivityLock { get; init; } = TimeSpan.FromMinutes(2);

    public TimeSpan OrchestrationLock { get; init; } = TimeSpan.FromMinutes(2);

    public int MaxConcurrentActivities { get; init; } = 10;
}

/// <summary>
/// A fresh task hub of one provider for one test: services on it (one per "worker process"), TaskHubWorkers with the
/// test orchestrations, and the client calls the tests make. Subclasses: <see cref="SqliteHub"/>, <see cref="AzureStorageHub"/>.
/// </summary>
public abstract class HubUnderTest : IAsyncDisposable
{
    private readonly List<TaskHubWorker> _workers = [];
    private readonly List<object> _services = [];
    private readonly List<IOrchestrationService> _started = [];
    private IOrchestrationServiceClient? _client;

    /// <summary>How long a test waits for what this provider does in a moment (Azure Storage polls queues).</summary>
    public abstract TimeSpan Patience { get; }

    /// <summary>
    /// False where the provider delivers work at least once: an activity may run again (never twice in a result) when
    /// its message's lock lapses before the worker renews it.
    /// </summary>
    public virtual bool RunsActivitiesExactlyOnce => true;

    /// <summary>A new service object on this hub: what a separate worker process would have.</summary>
    public IOrchestrationService NewService(string workerId, HubTimings? timings = null)
    {
        var service = CreateService(workerId, timings ?? new HubTimings());
        lock (_services)
            _services.Add(service);
        return service;
    }

    /// <summary>A new service, started (Azure Storage: it takes part in partition leasing) but with no worker on it.</summary>
    public async Task<IOrchestrationService> StartServiceAsync(string workerId, HubTimings? timings = null)
    {
        var service = NewService(workerId, timings);
        await service.StartAsync();
        lock (_started)
            _started.Add(service);
        return service;
    }

    public IOrchestrationServiceClient Client => _client ??= (IOrchestrationServiceClient)NewService("client");

    public TaskHubClient TaskHubClient => new(Client);

    /// <summary>Rewinds a Failed instance the provider's way.</summary>
    public abstract Task RewindAsync(string instanceId, string reason);

    /// <summary>A TaskHubWorker with every test orchestration and activity (Recorder reports <paramref name="name"/>).</summary>
    public async Task<GatedOrchestrationService> StartWorkerAsync(string name = "w1", HubTimings? timings = null, bool activitiesClosed = false)
    {
        var service = new GatedOrchestrationService(NewService(name, timings), activitiesClosed);
        var worker = new TaskHubWorker(service, TestLoggerFactory.Instance) { ErrorPropagationMode = ErrorPropagationMode.UseFailureDetails };
        worker.AddTaskOrchestrations(
            typeof(Greeting), typeof(FanOut), typeof(Chain), typeof(Sleeper), typeof(Approval), typeof(Parent), typeof(Countdown),
            typeof(Flaky), typeof(FlakyParent), typeof(AlwaysFails), typeof(RecordAll));
        worker.AddTaskActivities(typeof(SayHello), typeof(Square), typeof(Increment), typeof(FailsOnce));
        worker.AddTaskActivities(new NameValueObjectCreator<TaskActivity>(
            NameVersionHelper.GetDefaultName(typeof(Recorder)), NameVersionHelper.GetDefaultVersion(typeof(Recorder)), new Recorder(name)));
        await service.CreateIfNotExistsAsync();
        await worker.StartAsync();
        lock (_workers)
            _workers.Add(worker);
        return service;
    }

    public Task<OrchestrationInstance> StartAsync(
        Type orchestration, object? input, string? instanceId = null, OrchestrationStatus[]? dedupeStatuses = null, IDictionary<string, string>? tags = null) =>
        TaskHubClient.CreateOrchestrationInstanceAsync(
            NameVersionHelper.GetDefaultName(orchestration), NameVersionHelper.GetDefaultVersion(orchestration), instanceId ?? NewId(), input, tags, dedupeStatuses);

    public static string NewId(string prefix = "i") => $"{prefix}-{Guid.NewGuid():N}";

    /// <summary>The instance's state, or null (Azure Storage answers [null] for an unknown instance, SQLite []).</summary>
    public async Task<OrchestrationState?> GetStateAsync(string instanceId) =>
        (await Client.GetOrchestrationStateAsync(instanceId, allExecutions: false)).FirstOrDefault();

    /// <summary>Waits until the instance satisfies <paramref name="until"/> (default: finished).</summary>
    public async Task<OrchestrationState> WaitAsync(string instanceId, Func<OrchestrationState, bool>? until = null, TimeSpan? timeout = null)
    {
        until ??= s => s.OrchestrationStatus is OrchestrationStatus.Completed or OrchestrationStatus.Failed or OrchestrationStatus.Terminated;
        OrchestrationState? last = null;
        return await Eventually.WaitAsync(
            async () => (last = await GetStateAsync(instanceId)) is { } state && until(state) ? state : null,
            timeout ?? Patience,
            () => $"{instanceId} (last seen {last?.OrchestrationStatus.ToString() ?? "nowhere"}: {last?.Output})");
    }

    /// <summary>Waits for the instance to complete successfully and returns its state.</summary>
    public async Task<OrchestrationState> CompletedAsync(string instanceId, TimeSpan? timeout = null)
    {
        var state = await WaitAsync(instanceId, timeout: timeout);
        Assert.True(state.OrchestrationStatus == OrchestrationStatus.Completed, $"{instanceId} is {state.OrchestrationStatus}: {state.Output} {state.FailureDetails}");
        return state;
    }

    /// <summary>The current execution's history, parsed as the other engineer's client parses it: EventType names the class.</summary>
    public async Task<List<HistoryEvent>> HistoryAsync(string instanceId)
    {
        var state = await GetStateAsync(instanceId) ?? throw new InvalidOperationException($"{instanceId} does not exist");
        var json = await Client.GetOrchestrationHistoryAsync(instanceId, state.OrchestrationInstance.ExecutionId);
        return HistoryJson.ReadHistory(json);
    }

    protected abstract IOrchestrationService CreateService(string workerId, HubTimings timings);

    public virtual async ValueTask DisposeAsync()
    {
        foreach (var worker in _workers)
            await worker.StopAsync(isForced: true);
        foreach (var service in _started)
            await service.StopAsync(isForced: true);
        foreach (var service in _services)
        {
            if (service is IAsyncDisposable asyncDisposable)
                await asyncDisposable.DisposeAsync();
            else if (service is IDisposable disposable)
                disposable.Dispose();
        }
        GC.SuppressFinalize(this);
    }
}
