using DurableTask.Core;
using DurableTask.Core.History;
using DurableTask.Core.Query;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Core = DurableTask.Core;

namespace RankDistill.TaskHub.Client;

/// <summary>
/// Microsoft.DurableTask's client over one task hub's DurableTask.Core provider (<see cref="IOrchestrationServiceClient"/>
/// with its query and purge clients), in process: no gRPC sidecar. Every provider of <see cref="TaskHubConnection"/>
/// implements all three interfaces.
/// </summary>
internal sealed class CoreDurableTaskClient(string name, TaskHubConnection hub, DataConverter dataConverter) : DurableTaskClient(name)
{
    // Providers wait by polling; Azure Storage's own WaitForOrchestrationAsync polls every 2 s.
    private static readonly TimeSpan _poll = TimeSpan.FromMilliseconds(100);

    private IOrchestrationServiceClient Hub => hub.Client;

    private IOrchestrationServiceQueryClient Queries => (IOrchestrationServiceQueryClient)hub.Client;

    private IOrchestrationServicePurgeClient Purges => (IOrchestrationServicePurgeClient)hub.Client;

    public override async Task<string> ScheduleNewOrchestrationInstanceAsync(
        TaskName orchestratorName, object? input = null, StartOrchestrationOptions? options = null, CancellationToken cancellation = default)
    {
        cancellation.ThrowIfCancellationRequested();
        var instance = new OrchestrationInstance
        {
            InstanceId = options?.InstanceId ?? Guid.NewGuid().ToString("N"),
            ExecutionId = Guid.NewGuid().ToString("N"),
        };
        var started = new ExecutionStartedEvent(-1, dataConverter.Serialize(input))
        {
            Name = orchestratorName.Name,
            Version = options?.Version?.Version ?? "",
            OrchestrationInstance = instance,
            ScheduledStartTime = options?.StartAt?.UtcDateTime,
            Tags = options?.Tags?.ToDictionary(t => t.Key, t => t.Value) ?? [],
        };
        // No dedupe statuses given: an instance id is used once, whatever became of it (a drop starts at most once).
        var dedupe = options?.DedupeStatuses is { Count: > 0 } statuses
            ? [.. statuses.Select(s => Enum.Parse<Core.OrchestrationStatus>(s, ignoreCase: true))]
            : Enum.GetValues<Core.OrchestrationStatus>();
        await Hub.CreateTaskOrchestrationAsync(new TaskMessage { OrchestrationInstance = instance, Event = started }, dedupe);
        return instance.InstanceId;
    }

    public override Task RaiseEventAsync(string instanceId, string eventName, object? eventPayload = null, CancellationToken cancellation = default) =>
        SendAsync(instanceId, new EventRaisedEvent(-1, dataConverter.Serialize(eventPayload)) { Name = eventName }, cancellation);

    public override Task SuspendInstanceAsync(string instanceId, string? reason = null, CancellationToken cancellation = default) =>
        SendAsync(instanceId, new ExecutionSuspendedEvent(-1, reason), cancellation);

    public override Task ResumeInstanceAsync(string instanceId, string? reason = null, CancellationToken cancellation = default) =>
        SendAsync(instanceId, new ExecutionResumedEvent(-1, reason), cancellation);

    /// <summary>
    /// Terminates the instance and, when <see cref="TerminateInstanceOptions.Recursive"/>, then its running children.
    /// The parent goes first: a child terminated first reports its end to the parent, which could then fail of it
    /// before its own terminate message arrives.
    /// </summary>
    public override async Task TerminateInstanceAsync(string instanceId, TerminateInstanceOptions? options = null, CancellationToken cancellation = default)
    {
        cancellation.ThrowIfCancellationRequested();
        var running = options?.Recursive == true ? await RunningChildrenAsync(instanceId, cancellation) : [];
        await Hub.ForceTerminateTaskOrchestrationAsync(instanceId, dataConverter.Serialize(options?.Output));
        foreach (var child in running)
            await TerminateInstanceAsync(child, options, cancellation);
    }

    private async Task<IReadOnlyList<string>> RunningChildrenAsync(string instanceId, CancellationToken cancellation)
    {
        if (await GetInstancesAsync(instanceId, cancellation: cancellation) is not ({ IsRunning: true } or { RuntimeStatus: OrchestrationRuntimeStatus.Pending or OrchestrationRuntimeStatus.Suspended }))
            return [];
        var history = await GetOrchestrationHistoryAsync(instanceId, cancellation);
        var ended = history.OfType<SubOrchestrationInstanceCompletedEvent>().Select(e => e.TaskScheduledId)
            .Concat(history.OfType<SubOrchestrationInstanceFailedEvent>().Select(e => e.TaskScheduledId)).ToHashSet();
        return [.. history.OfType<SubOrchestrationInstanceCreatedEvent>().Where(c => !ended.Contains(c.EventId)).Select(c => c.InstanceId)];
    }

    /// <summary>
    /// Continues a Failed instance by starting it again in place: a new execution under the same id with the same
    /// input. Steps are idempotent (a finished one returns its stored output at once, a training step resumes from its
    /// checkpoint), so this reruns exactly the failed work. DurableTask.Core's own rewind (3.11, on both providers)
    /// rewrites the history and then fails to replay any call that was retried: it drops the failed attempts but keeps
    /// their retry timers, and every pipeline step retries.
    /// </summary>
    public override async Task RewindInstanceAsync(string instanceId, string reason, CancellationToken cancellation = default)
    {
        cancellation.ThrowIfCancellationRequested();
        var states = await Hub.GetOrchestrationStateAsync(instanceId, allExecutions: false);
        if (states is not { Count: > 0 } || states[0] is not { } failed)
            throw new ArgumentException($"No orchestration instance '{instanceId}'.", nameof(instanceId));
        if (failed.OrchestrationStatus != Core.OrchestrationStatus.Failed)
            throw new InvalidOperationException($"Only a failed instance can be rewound; '{instanceId}' is {(OrchestrationRuntimeStatus)failed.OrchestrationStatus}.");
        var instance = new OrchestrationInstance { InstanceId = instanceId, ExecutionId = Guid.NewGuid().ToString("N") };
        var started = new ExecutionStartedEvent(-1, failed.Input)
        {
            Name = failed.Name,
            Version = failed.Version ?? "",
            OrchestrationInstance = instance,
            ParentInstance = failed.ParentInstance,
            Tags = failed.Tags ?? new Dictionary<string, string>(),
        };
        // Anything but Failed refuses: a rewind that raced another one, or a run that is already going again.
        var refused = Enum.GetValues<Core.OrchestrationStatus>().Where(s => s != Core.OrchestrationStatus.Failed).ToArray();
        await Hub.CreateTaskOrchestrationAsync(new TaskMessage { OrchestrationInstance = instance, Event = started }, refused);
    }

    public override async Task<OrchestrationMetadata?> GetInstancesAsync(string instanceId, bool getInputsAndOutputs = false, CancellationToken cancellation = default)
    {
        cancellation.ThrowIfCancellationRequested();
        // Azure Storage answers [null] for an unknown or purged instance, SQLite [].
        var states = await Hub.GetOrchestrationStateAsync(instanceId, allExecutions: false);
        if (states is not { Count: > 0 } || states[0] is not { } state)
            return null;
        if (getInputsAndOutputs && state is { OrchestrationStatus: Core.OrchestrationStatus.Failed, FailureDetails: null })
            state.FailureDetails = await FailureFromHistoryAsync(state);
        return ToMetadata(state, getInputsAndOutputs);
    }

    /// <summary>Azure Storage keeps a failed instance's details (with the inner failure) only in its history.</summary>
    private async Task<FailureDetails?> FailureFromHistoryAsync(Core.OrchestrationState state)
    {
        var history = HistoryJson.ReadHistory(await Hub.GetOrchestrationHistoryAsync(state.OrchestrationInstance.InstanceId, state.OrchestrationInstance.ExecutionId));
        return history.OfType<ExecutionCompletedEvent>().LastOrDefault()?.FailureDetails;
    }

    public override AsyncPageable<OrchestrationMetadata> GetAllInstancesAsync(Microsoft.DurableTask.Client.OrchestrationQuery? filter = null) =>
        Pageable.Create(async (continuation, pageSize, cancellation) =>
        {
            var query = new Core.Query.OrchestrationQuery
            {
                RuntimeStatus = filter?.Statuses?.Select(s => (Core.OrchestrationStatus)s).ToList(),
                CreatedTimeFrom = filter?.CreatedFrom?.UtcDateTime,
                CreatedTimeTo = filter?.CreatedTo?.UtcDateTime,
                InstanceIdPrefix = filter?.InstanceIdPrefix,
                PageSize = pageSize ?? filter?.PageSize ?? Microsoft.DurableTask.Client.OrchestrationQuery.DefaultPageSize,
                ContinuationToken = continuation ?? filter?.ContinuationToken,
                FetchInputsAndOutputs = filter?.FetchInputsAndOutputs ?? false,
            };
            var result = await Queries.GetOrchestrationWithQueryAsync(query, cancellation);
            return new Page<OrchestrationMetadata>(
                [.. result.OrchestrationState.Select(s => ToMetadata(s, query.FetchInputsAndOutputs))], result.ContinuationToken);
        });

    public override async Task<OrchestrationMetadata> WaitForInstanceStartAsync(string instanceId, bool getInputsAndOutputs = false, CancellationToken cancellation = default)
    {
        while (true)
        {
            if (await GetInstancesAsync(instanceId, getInputsAndOutputs, cancellation) is { RuntimeStatus: not OrchestrationRuntimeStatus.Pending } started)
                return started;
            await Task.Delay(_poll, cancellation);
        }
    }

    public override async Task<OrchestrationMetadata> WaitForInstanceCompletionAsync(string instanceId, bool getInputsAndOutputs = false, CancellationToken cancellation = default)
    {
        while (true)
        {
            if (await GetInstancesAsync(instanceId, getInputsAndOutputs, cancellation) is { IsCompleted: true } done)
                return done;
            await Task.Delay(_poll, cancellation);
        }
    }

    public override async Task<Microsoft.DurableTask.Client.PurgeResult> PurgeInstanceAsync(
        string instanceId, PurgeInstanceOptions? options = null, CancellationToken cancellation = default)
    {
        cancellation.ThrowIfCancellationRequested();
        var result = await Purges.PurgeInstanceStateAsync(instanceId);
        return new Microsoft.DurableTask.Client.PurgeResult(result.DeletedInstanceCount);
    }

    public override async Task<Microsoft.DurableTask.Client.PurgeResult> PurgeAllInstancesAsync(
        PurgeInstancesFilter filter, PurgeInstanceOptions? options = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(filter);
        cancellation.ThrowIfCancellationRequested();
        var result = await Purges.PurgeInstanceStateAsync(new PurgeInstanceFilter(
            filter.CreatedFrom?.UtcDateTime ?? DateTime.MinValue, filter.CreatedTo?.UtcDateTime, filter.Statuses?.Select(s => (Core.OrchestrationStatus)s)));
        return new Microsoft.DurableTask.Client.PurgeResult(result.DeletedInstanceCount);
    }

    public override async Task<IList<HistoryEvent>> GetOrchestrationHistoryAsync(string instanceId, CancellationToken cancellation = default)
    {
        cancellation.ThrowIfCancellationRequested();
        var states = await Hub.GetOrchestrationStateAsync(instanceId, allExecutions: false);
        if (states is not { Count: > 0 } || states[0] is not { } state)
            throw new ArgumentException($"No orchestration instance '{instanceId}'.", nameof(instanceId));
        return HistoryJson.ReadHistory(await Hub.GetOrchestrationHistoryAsync(instanceId, state.OrchestrationInstance.ExecutionId));
    }

    public override ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private Task SendAsync(string instanceId, HistoryEvent @event, CancellationToken cancellation)
    {
        cancellation.ThrowIfCancellationRequested();
        return Hub.SendTaskOrchestrationMessageAsync(new TaskMessage { OrchestrationInstance = new OrchestrationInstance { InstanceId = instanceId }, Event = @event });
    }

    private OrchestrationMetadata ToMetadata(Core.OrchestrationState state, bool withData) => new(state.Name, state.OrchestrationInstance.InstanceId)
    {
        DataConverter = withData ? dataConverter : null,
        RuntimeStatus = (OrchestrationRuntimeStatus)state.OrchestrationStatus,
        CreatedAt = state.CreatedTime,
        LastUpdatedAt = state.LastUpdatedTime,
        SerializedInput = withData ? state.Input : null,
        SerializedOutput = withData ? state.Output : null,
        SerializedCustomStatus = withData ? state.Status : null,
        FailureDetails = state.FailureDetails is { } failure ? Convert(failure) : FailureFromOutput(state),
        Tags = state.Tags is { } tags ? new Dictionary<string, string>(tags) : new Dictionary<string, string>(),
    };

    private static TaskFailureDetails Convert(FailureDetails failure) =>
        new(failure.ErrorType, failure.ErrorMessage, failure.StackTrace, failure.InnerFailure is { } inner ? Convert(inner) : null, failure.Properties);

    /// <summary>A query's Azure Storage rows lack the details; their Output is "ErrorType: message".</summary>
    private static TaskFailureDetails? FailureFromOutput(Core.OrchestrationState state)
    {
        if (state.OrchestrationStatus != Core.OrchestrationStatus.Failed || state.Output is not { } output)
            return null;
        var colon = output.IndexOf(": ", StringComparison.Ordinal);
        return colon > 0 ? new(output[..colon], output[(colon + 2)..], null, null, null) : new("Unknown", output, null, null, null);
    }
}
