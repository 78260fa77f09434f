using DurableTask.Core;
using DurableTask.Core.History;
using DurableTask.Core.Query;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace RankDistill.TaskHub.Sqlite;

/// <summary>
/// The embedded task hub: a DurableTask.Core provider over one SQLite file, as durabletask-mssql is one over SQL
/// Server. Several processes may share the file (WAL, IMMEDIATE write transactions, a busy timeout) and one file
/// holds several hubs (every row carries <see cref="SqliteOrchestrationServiceOptions.TaskHubName"/>). Every
/// completion is one transaction fenced by its work item's lock. Entities are not supported.
/// </summary>
public sealed class SqliteOrchestrationService :
    IOrchestrationService, IOrchestrationServiceClient, IOrchestrationServiceQueryClient, IOrchestrationServicePurgeClient, IAsyncDisposable, IDisposable
{
    private readonly SqliteOrchestrationServiceOptions _options;
    private readonly SqliteDatabase _db;
    private readonly ILogger _logger;
    private readonly OrchestrationQueue _orchestrations;
    private readonly ActivityQueue _activities;
    private readonly InstanceStore _instances;
    private readonly HistoryCache _histories;

    public SqliteOrchestrationService(SqliteOrchestrationServiceOptions options, ILoggerFactory? loggerFactory = null)
        : this(options, loggerFactory, TimeProvider.System)
    {
    }

    internal SqliteOrchestrationService(SqliteOrchestrationServiceOptions options, ILoggerFactory? loggerFactory, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        _logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger("RankDistill.TaskHub.Sqlite");
        _db = new SqliteDatabase(options, time, _logger);
        // 100,000 events: tens of MB, the histories of a few large fan-outs or thousands of small instances.
        _histories = new HistoryCache(maxEvents: 100_000);
        _orchestrations = new OrchestrationQueue(_db, options, _histories, _logger);
        _activities = new ActivityQueue(_db, options, _orchestrations.Signal, _logger);
        _instances = new InstanceStore(_db, _orchestrations.Signal, options.PollInterval, _logger);
    }

    public SqliteOrchestrationServiceOptions Options => _options;

    /// <summary>The database file's full path.</summary>
    public string FilePath => _db.FilePath;

    // ---- Lifecycle: the schema is migrated on first use; Delete empties this hub only (the file may hold others).
    public Task CreateAsync() => CreateAsync(recreateInstanceStore: false);

    public async Task CreateAsync(bool recreateInstanceStore)
    {
        if (recreateInstanceStore)
            await DeleteAsync();
        await _db.EnsureSchemaAsync();
    }

    public Task CreateIfNotExistsAsync() => _db.EnsureSchemaAsync();

    public Task DeleteAsync() => DeleteAsync(deleteInstanceStore: true);

    public Task DeleteAsync(bool deleteInstanceStore) => _db.WriteAsync((c, t) =>
    {
        InstancePurge.DeleteHub(c, t, _db.Hub);
        return true;
    });

    public Task StartAsync() => _db.EnsureSchemaAsync();

    // The dispatchers cancel their own LockNext calls; nothing else runs in the background.
    public Task StopAsync() => Task.CompletedTask;

    public Task StopAsync(bool isForced) => Task.CompletedTask;

    // ---- Worker settings.
    public int TaskOrchestrationDispatcherCount => 1;

    public int MaxConcurrentTaskOrchestrationWorkItems => _options.MaxConcurrentOrchestrations;

    // Events that arrive during a continue-as-new stay in the inbox for the new execution.
    public BehaviorOnContinueAsNew EventBehaviourForContinueAsNew => BehaviorOnContinueAsNew.Carryover;

    public int TaskActivityDispatcherCount => 1;

    public int MaxConcurrentTaskActivityWorkItems => _options.MaxConcurrentActivities;

    // One transaction takes any number of messages.
    public bool IsMaxMessageCountExceeded(int currentMessageCount, OrchestrationRuntimeState runtimeState) => false;

    public int GetDelayInSecondsAfterOnProcessException(Exception exception) => 0;

    // A fetch fails only if the file does (locked past the busy timeout, I/O): back off instead of spinning.
    public int GetDelayInSecondsAfterOnFetchException(Exception exception) => exception is OperationCanceledException ? 0 : 1;

    // ---- Orchestration work items.
    public async Task<TaskOrchestrationWorkItem> LockNextTaskOrchestrationWorkItemAsync(TimeSpan receiveTimeout, CancellationToken cancellationToken) =>
        (await _orchestrations.LockNextAsync(receiveTimeout, cancellationToken))!;

    public Task RenewTaskOrchestrationWorkItemLockAsync(TaskOrchestrationWorkItem workItem) => _orchestrations.RenewAsync(workItem);

    /// <summary>
    /// Applies the step in one transaction, fenced by the lock. A worker whose lock was lost writes nothing: its
    /// messages are still in the inbox, and the new lock holder replays the step from the stored history.
    /// </summary>
    public async Task CompleteTaskOrchestrationWorkItemAsync(
        TaskOrchestrationWorkItem workItem,
        OrchestrationRuntimeState newOrchestrationRuntimeState,
        IList<TaskMessage> outboundMessages,
        IList<TaskMessage> orchestratorMessages,
        IList<TaskMessage> timerMessages,
        TaskMessage continuedAsNewMessage,
        OrchestrationState orchestrationState)
    {
        var item = (SqliteOrchestrationWorkItem)workItem;
        var step = new StepResult(item, newOrchestrationRuntimeState, outboundMessages, orchestratorMessages, timerMessages, continuedAsNewMessage, orchestrationState);
        bool applied;
        try
        {
            applied = await _db.WriteAsync((c, t) => OrchestrationCheckpoint.Apply(c, t, _db.Hub, step, _db.NowTicks, _logger));
        }
        finally
        {
            _orchestrations.Completed(item);
        }
        if (!applied)
        {
            _histories.Forget(item.InstanceId);
            Logs.OrchestrationLockLost(_logger, item.InstanceId, _options.WorkerId);
            return;
        }
        if (orchestrationState is { } state && !InstanceRows.IsTerminal(state.OrchestrationStatus) && newOrchestrationRuntimeState.OrchestrationInstance is { } written)
            _histories.Put(item.InstanceId, written.ExecutionId, newOrchestrationRuntimeState.Events);
        else
            _histories.Forget(item.InstanceId);
        if (outboundMessages.Count > 0)
            _activities.Signal.Pulse();
        _orchestrations.Signal.Pulse();
    }

    public Task AbandonTaskOrchestrationWorkItemAsync(TaskOrchestrationWorkItem workItem) => _orchestrations.AbandonAsync(workItem);

    public Task ReleaseTaskOrchestrationWorkItemAsync(TaskOrchestrationWorkItem workItem) => _orchestrations.ReleaseAsync(workItem);

    // ---- Activity work items.
    public async Task<TaskActivityWorkItem> LockNextTaskActivityWorkItem(TimeSpan receiveTimeout, CancellationToken cancellationToken) =>
        (await _activities.LockNextAsync(receiveTimeout, cancellationToken))!;

    public Task<TaskActivityWorkItem> RenewTaskActivityWorkItemLockAsync(TaskActivityWorkItem workItem) => _activities.RenewAsync(workItem);

    public Task CompleteTaskActivityWorkItemAsync(TaskActivityWorkItem workItem, TaskMessage responseMessage) => _activities.CompleteAsync(workItem, responseMessage);

    public Task AbandonTaskActivityWorkItemAsync(TaskActivityWorkItem workItem) => _activities.AbandonAsync(workItem);

    // ---- Client.
    public Task CreateTaskOrchestrationAsync(TaskMessage creationMessage) => _instances.CreateAsync(creationMessage, null);

    /// <summary>
    /// Creates an instance. One that exists in one of <paramref name="dedupeStatuses"/> refuses with
    /// <see cref="DurableTask.Core.Exceptions.OrchestrationAlreadyExistsException"/>; one in any other status is
    /// replaced whole by the new execution.
    /// </summary>
    public Task CreateTaskOrchestrationAsync(TaskMessage creationMessage, OrchestrationStatus[] dedupeStatuses) =>
        _instances.CreateAsync(creationMessage, dedupeStatuses);

    public Task SendTaskOrchestrationMessageAsync(TaskMessage message) => _instances.SendAsync([message]);

    public Task SendTaskOrchestrationMessageBatchAsync(params TaskMessage[] messages) => _instances.SendAsync(messages);

    /// <summary>
    /// Rewinds a Failed instance: sends it the ExecutionRewoundEvent from which DurableTask.Core rebuilds its
    /// history without the failed tasks (and rewinds failed sub-orchestrations), so they run again. The same name
    /// and effect as <c>AzureStorageOrchestrationService.RewindTaskOrchestrationAsync</c>; an instance that is not
    /// Failed ignores it.
    /// </summary>
    public Task RewindTaskOrchestrationAsync(string instanceId, string reason) => SendTaskOrchestrationMessageAsync(new TaskMessage
    {
        OrchestrationInstance = new OrchestrationInstance { InstanceId = instanceId },
        Event = new ExecutionRewoundEvent(-1, reason),
    });

    public async Task<OrchestrationState> WaitForOrchestrationAsync(string instanceId, string? executionId, TimeSpan timeout, CancellationToken cancellationToken) =>
        (await _instances.WaitAsync(instanceId, timeout, cancellationToken))!;

    public Task ForceTerminateTaskOrchestrationAsync(string instanceId, string reason) => _instances.TerminateAsync(instanceId, reason);

    /// <summary>The current execution (this provider keeps no others), or an empty list for an unknown instance.</summary>
    public async Task<IList<OrchestrationState>> GetOrchestrationStateAsync(string instanceId, bool allExecutions) =>
        await _instances.GetStateAsync(instanceId) is { } state ? [state] : [];

    public async Task<OrchestrationState> GetOrchestrationStateAsync(string instanceId, string? executionId) =>
        (await _instances.GetStateAsync(instanceId) is { } state && (executionId is null || state.OrchestrationInstance.ExecutionId == executionId) ? state : null)!;

    /// <summary>The execution's history (the current one when <paramref name="executionId"/> is null) in Azure Storage's format.</summary>
    public Task<string> GetOrchestrationHistoryAsync(string instanceId, string? executionId) => _instances.GetHistoryAsync(instanceId, executionId);

    public Task PurgeOrchestrationHistoryAsync(DateTime thresholdDateTimeUtc, OrchestrationStateTimeRangeFilterType timeRangeFilterType) =>
        _db.WriteAsync((c, t) => InstancePurge.DeleteFinishedBefore(c, t, _db.Hub, thresholdDateTimeUtc, timeRangeFilterType));

    public Task<OrchestrationQueryResult> GetOrchestrationWithQueryAsync(OrchestrationQuery query, CancellationToken cancellationToken) =>
        InstanceQuery.RunAsync(_db, query);

    /// <summary>Deletes the instance whatever its status (as Azure Storage does): row, history, inbox, tasks.</summary>
    public async Task<PurgeResult> PurgeInstanceStateAsync(string instanceId) =>
        new(await _db.WriteAsync((c, t) => InstancePurge.DeleteInstance(c, t, _db.Hub, instanceId)));

    public async Task<PurgeResult> PurgeInstanceStateAsync(PurgeInstanceFilter purgeInstanceFilter) =>
        new(await _db.WriteAsync((c, t) => InstancePurge.DeleteFinished(c, t, _db.Hub, purgeInstanceFilter)));

    public ValueTask DisposeAsync() => _db.DisposeAsync();

    public void Dispose() => _db.DisposeAsync().AsTask().GetAwaiter().GetResult();
}
