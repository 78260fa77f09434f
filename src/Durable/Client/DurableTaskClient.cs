using RankDistill.Durable.Backends;
using RankDistill.Durable.History;
using RankDistill.Durable.Worker;

namespace RankDistill.Durable.Client;

/// <summary>
/// Starts, inspects and controls orchestration instances. Thread-safe; register it once
/// (<c>AddDurableTaskClient</c>). Control operations (raise, terminate, suspend, resume, rewind)
/// put a message in the instance's inbox and return; the instance reacts at its next step.
/// </summary>
public sealed class DurableTaskClient
{
    private readonly IDurableBackend _backend;
    private readonly BackendInitializer _initializer;
    private readonly PayloadConverter _converter;
    private readonly WorkSignal _signal;
    private readonly TimeProvider _time;

    internal DurableTaskClient(IDurableBackend backend, BackendInitializer initializer, PayloadConverter converter, WorkSignal signal, TimeProvider time)
    {
        _backend = backend;
        _initializer = initializer;
        _converter = converter;
        _signal = signal;
        _time = time;
    }

    /// <summary>Schedules a new instance of orchestrator <paramref name="name"/>.</summary>
    /// <returns>The instance id.</returns>
    /// <exception cref="InstanceAlreadyExistsException">The id exists and <see cref="StartOrchestrationOptions.ReusePolicy"/> refuses.</exception>
    /// <exception cref="PayloadTooLargeException">The input is over the payload limit.</exception>
    public async Task<string> ScheduleNewOrchestrationInstanceAsync(string name, object? input = null, StartOrchestrationOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        await _initializer.EnsureAsync(cancellationToken);
        var id = options?.InstanceId ?? Guid.NewGuid().ToString("N");
        ArgumentException.ThrowIfNullOrWhiteSpace(id, nameof(options));
        var json = _converter.Serialize(input, $"input of orchestration '{name}'");
        var now = _time.GetUtcNow();
        var startAt = options?.StartAt is { } at && at > now ? at : now;
        var start = new ExecutionStarted(name, json, 0) { Timestamp = now };
        await _backend.CreateInstanceAsync(new NewInstance(id, name, json, start, now, startAt),
            options?.ReusePolicy ?? InstanceIdReusePolicy.AllowWhenTerminal, cancellationToken);
        _signal.NotifyOrchestrationsAt(startAt);
        return id;
    }

    /// <summary>The instance, or null when no instance has this id.</summary>
    public async Task<OrchestrationMetadata?> GetInstanceAsync(string instanceId, CancellationToken cancellationToken = default)
    {
        await _initializer.EnsureAsync(cancellationToken);
        return await _backend.GetInstanceAsync(instanceId, cancellationToken);
    }

    /// <summary>One page of instances matching <paramref name="query"/>.</summary>
    public async Task<InstancePage> QueryInstancesAsync(InstanceQuery query, CancellationToken cancellationToken = default)
    {
        await _initializer.EnsureAsync(cancellationToken);
        return await _backend.QueryInstancesAsync(query, cancellationToken);
    }

    /// <summary>Waits until the instance is Completed, Failed or Terminated. Instances finished by
    /// this process are seen at once; others by polling (up to once a second).</summary>
    /// <exception cref="InstanceNotFoundException">No instance has this id.</exception>
    public async Task<OrchestrationMetadata> WaitForInstanceCompletionAsync(string instanceId, CancellationToken cancellationToken = default)
    {
        var delay = TimeSpan.FromMilliseconds(20);
        while (true)
        {
            var changed = _signal.ArmInstanceChanges();
            var instance = await GetInstanceAsync(instanceId, cancellationToken) ?? throw InstanceNotFoundException.For(instanceId);
            if (instance.RuntimeStatus.IsTerminal())
                return instance;
            await Task.WhenAny(changed, Task.Delay(delay, _time, cancellationToken));
            cancellationToken.ThrowIfCancellationRequested();
            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.TicksPerSecond));
        }
    }

    /// <summary>Sends an event that the instance receives with <c>WaitForExternalEvent</c>.</summary>
    public Task RaiseEventAsync(string instanceId, string eventName, object? payload = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(eventName);
        var json = _converter.Serialize(payload, $"payload of event '{eventName}'");
        return SendAsync(instanceId, new EventRaised(eventName, json), cancellationToken);
    }

    /// <summary>Stops the instance: it becomes Terminated, its running activities are cancelled and
    /// its running sub-orchestrations are terminated. Does nothing to a finished instance.</summary>
    public async Task TerminateInstanceAsync(string instanceId, string? reason = null, CancellationToken cancellationToken = default)
    {
        var instance = await RequireAsync(instanceId, cancellationToken);
        if (!instance.RuntimeStatus.IsTerminal())
            await SendAsync(instanceId, new ExecutionTerminated(reason), cancellationToken);
    }

    /// <summary>Pauses the instance: results and events are kept but not delivered until it is resumed.</summary>
    public Task SuspendInstanceAsync(string instanceId, string? reason = null, CancellationToken cancellationToken = default) =>
        SendAsync(instanceId, new ExecutionSuspended(reason), cancellationToken);

    /// <summary>Resumes a suspended instance.</summary>
    public Task ResumeInstanceAsync(string instanceId, string? reason = null, CancellationToken cancellationToken = default) =>
        SendAsync(instanceId, new ExecutionResumed(reason), cancellationToken);

    /// <summary>Continues a Failed instance from the calls that failed it; calls that completed are
    /// not run again. Deploy the fix first: the code replays over the kept history. Like the other
    /// control operations it is queued: the instance shows Failed until a worker takes the request
    /// (an <see cref="ExecutionRewound"/> event then appears in its history).</summary>
    /// <exception cref="InvalidOperationException">The instance is not Failed.</exception>
    public async Task RewindInstanceAsync(string instanceId, string? reason = null, CancellationToken cancellationToken = default)
    {
        var instance = await RequireAsync(instanceId, cancellationToken);
        if (instance.RuntimeStatus is not OrchestrationRuntimeStatus.Failed)
            throw new InvalidOperationException($"Instance '{instanceId}' is {instance.RuntimeStatus}; only a Failed instance can be rewound.");
        await SendAsync(instanceId, new ExecutionRewound(reason), cancellationToken);
    }

    /// <summary>Deletes a finished instance and its history.</summary>
    /// <returns>False when it does not exist.</returns>
    /// <exception cref="InvalidOperationException">It is still running.</exception>
    public async Task<bool> PurgeInstanceAsync(string instanceId, CancellationToken cancellationToken = default)
    {
        await _initializer.EnsureAsync(cancellationToken);
        return await _backend.PurgeInstanceAsync(instanceId, cancellationToken);
    }

    /// <summary>Deletes the finished instances that match.</summary>
    /// <returns>How many.</returns>
    public async Task<int> PurgeInstancesAsync(PurgeFilter filter, CancellationToken cancellationToken = default)
    {
        await _initializer.EnsureAsync(cancellationToken);
        return await _backend.PurgeInstancesAsync(filter, cancellationToken);
    }

    /// <summary>The instance's history, oldest first: every call scheduled, each dispatch started
    /// (with attempt and worker), each result, timers (retry waits included) and control events.</summary>
    public async Task<IReadOnlyList<HistoryEvent>> GetHistoryAsync(string instanceId, CancellationToken cancellationToken = default)
    {
        await _initializer.EnsureAsync(cancellationToken);
        return await _backend.GetHistoryAsync(instanceId, cancellationToken);
    }

    /// <summary>What the instance waits on: queued or running activities (queue, dispatch count,
    /// lock holder, heartbeat) and unprocessed messages.</summary>
    public async Task<IReadOnlyList<PendingWork>> GetPendingWorkAsync(string instanceId, CancellationToken cancellationToken = default)
    {
        await _initializer.EnsureAsync(cancellationToken);
        return await _backend.GetPendingWorkAsync(instanceId, cancellationToken);
    }

    private async Task<OrchestrationMetadata> RequireAsync(string instanceId, CancellationToken cancellationToken) =>
        await GetInstanceAsync(instanceId, cancellationToken) ?? throw InstanceNotFoundException.For(instanceId);

    private async Task SendAsync(string instanceId, HistoryEvent message, CancellationToken cancellationToken)
    {
        await _initializer.EnsureAsync(cancellationToken);
        var now = _time.GetUtcNow();
        if (!await _backend.SendMessageAsync(new OutboundMessage(instanceId, message with { Timestamp = now }, now), cancellationToken))
            throw InstanceNotFoundException.For(instanceId);
        _signal.NotifyOrchestrations();
    }
}
