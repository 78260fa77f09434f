using RankDistill.Durable.Backends;
using RankDistill.Durable.Client;
using RankDistill.Durable.History;

namespace RankDistill.Durable.Tests.Backends;

/// <summary>
/// What every backend must do, written against <see cref="IDurableBackend"/> only. A backend's
/// test class derives from this and says how to make a fresh, empty hub (PostgreSQL: a few lines).
/// Times are passed in, so expiry is tested without waiting.
/// </summary>
public abstract partial class BackendConformanceTests : IAsyncLifetime
{
    protected static readonly DateTimeOffset T0 = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);

    protected IDurableBackend Backend { get; private set; } = null!;

    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>A backend over a new, empty task hub.</summary>
    protected abstract Task<IDurableBackend> CreateBackendAsync();

    /// <summary>Removes what <see cref="CreateBackendAsync"/> made.</summary>
    protected virtual Task DeleteHubAsync() => Task.CompletedTask;

    public async ValueTask InitializeAsync()
    {
        Backend = await CreateBackendAsync();
        await Backend.InitializeAsync(Ct);
    }

    public async ValueTask DisposeAsync()
    {
        await Backend.DisposeAsync();
        await DeleteHubAsync();
        GC.SuppressFinalize(this);
    }

    protected Task CreateAsync(string id, string name = "Orch", DateTimeOffset? at = null, InstanceIdReusePolicy policy = InstanceIdReusePolicy.AllowWhenTerminal, string? input = "1")
    {
        var now = at ?? T0;
        return Backend.CreateInstanceAsync(new NewInstance(id, name, input, new ExecutionStarted(name, input, 0) { Timestamp = now }, now, now), policy, Ct);
    }

    protected Task<OrchestrationWorkItem?> LockOrchestrationAsync(DateTimeOffset now, string worker = "w1", TimeSpan? lockFor = null) =>
        Backend.LockNextOrchestrationAsync(new LockRequest(worker, now, now + (lockFor ?? TimeSpan.FromMinutes(1))), Ct);

    protected async Task<ActivityWorkItem?> LockActivityAsync(string queue, DateTimeOffset now, string worker = "w1", TimeSpan? lease = null, Func<ActivityWorkItem, OutboundMessage?>? onLocked = null) =>
        (await LockActivitiesAsync(queue, now, 1, worker, lease, onLocked)).SingleOrDefault();

    protected Task<IReadOnlyList<ActivityWorkItem>> LockActivitiesAsync(string queue, DateTimeOffset now, int max, string worker = "w1", TimeSpan? lease = null, Func<ActivityWorkItem, OutboundMessage?>? onLocked = null) =>
        Backend.LockNextActivitiesAsync(queue, new LockRequest(worker, now, now + (lease ?? TimeSpan.FromMinutes(1))), max, onLocked, Ct);

    protected static InstanceUpdate Update(OrchestrationWorkItem item, OrchestrationRuntimeStatus status, DateTimeOffset now, string? output = null) =>
        new(item.Instance.Name, status, 1, item.Instance.SerializedInput, output, null, null, null, now, status.IsTerminal() ? now : null);

    /// <summary>Starts an instance through one committed step that queues the given activities.</summary>
    protected async Task<OrchestrationWorkItem> StartWithTasksAsync(string id, params (int TaskId, string Queue)[] tasks)
    {
        await CreateAsync(id);
        var item = (await LockOrchestrationAsync(T0))!;
        var history = new List<HistoryEvent> { new OrchestratorStarted { Timestamp = T0 }, item.Messages[0].Event };
        history.AddRange(tasks.Select(t => new TaskScheduled(t.TaskId, "Act", t.Queue, "\"in\"")));
        await Backend.CompleteOrchestrationAsync(item, new OrchestrationCommit
        {
            History = history,
            Instance = Update(item, OrchestrationRuntimeStatus.Running, T0),
            Tasks = [.. tasks.Select(t => new NewActivityTask(t.TaskId, "Act", t.Queue, "\"in\"", 1, 1, null, null, T0))],
        }, Ct);
        return item;
    }

    protected static OutboundMessage Result(string instanceId, int taskId, DateTimeOffset at, string? value = "\"ok\"") =>
        new(instanceId, new TaskCompleted(taskId, value) { Timestamp = at }, at, 1);
}
