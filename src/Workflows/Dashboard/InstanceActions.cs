using System.Text.Json;
using RankDistill.Durable;
using RankDistill.Durable.Client;
using RankDistill.Workflows.Dashboard.Api;

namespace RankDistill.Workflows.Dashboard;

/// <summary>
/// The control actions of the dashboard and the CLI. Each checks that the instance's status allows it, asks the
/// engine, and says what happened. Control messages are queued: the instance reacts at its next step.
/// </summary>
/// <exception cref="InstanceNotFoundException">No instance has the id (every method).</exception>
/// <exception cref="InvalidOperationException">The status does not allow the action (every method); the message says why.</exception>
public sealed class InstanceActions(DurableTaskClient client)
{
    public const string Terminate = "terminate";
    public const string Suspend = "suspend";
    public const string Resume = "resume";
    public const string Rewind = "rewind";
    public const string Purge = "purge";
    public const string RaiseEvent = "raise-event";

    public async Task<ActionResult> TerminateAsync(string instanceId, string? reason, CancellationToken cancellationToken)
    {
        var instance = await RequireAsync(instanceId, Terminate, cancellationToken);
        await client.TerminateInstanceAsync(instanceId, reason, cancellationToken);
        return new ActionResult(instanceId, Terminate, instance.RuntimeStatus, "Termination requested: running steps are cancelled and the instance becomes Terminated at its next step.");
    }

    public async Task<ActionResult> SuspendAsync(string instanceId, string? reason, CancellationToken cancellationToken)
    {
        var instance = await RequireAsync(instanceId, Suspend, cancellationToken);
        await client.SuspendInstanceAsync(instanceId, reason, cancellationToken);
        return new ActionResult(instanceId, Suspend, instance.RuntimeStatus, "Suspension requested: results and events are held until it is resumed.");
    }

    public async Task<ActionResult> ResumeAsync(string instanceId, string? reason, CancellationToken cancellationToken)
    {
        var instance = await RequireAsync(instanceId, Resume, cancellationToken);
        await client.ResumeInstanceAsync(instanceId, reason, cancellationToken);
        return new ActionResult(instanceId, Resume, instance.RuntimeStatus, "Resume requested: held results and events are delivered.");
    }

    public async Task<ActionResult> RewindAsync(string instanceId, string? reason, CancellationToken cancellationToken)
    {
        var instance = await RequireAsync(instanceId, Rewind, cancellationToken);
        await client.RewindInstanceAsync(instanceId, reason, cancellationToken);
        return new ActionResult(instanceId, Rewind, instance.RuntimeStatus, "Rewind requested: the failed steps run again and completed ones are kept.");
    }

    public async Task<ActionResult> PurgeAsync(string instanceId, CancellationToken cancellationToken)
    {
        await RequireAsync(instanceId, Purge, cancellationToken);
        if (!await client.PurgeInstanceAsync(instanceId, cancellationToken))
            throw NotFound(instanceId);
        return new ActionResult(instanceId, Purge, null, "Purged: the instance and its history are deleted (the run's artifacts are kept).");
    }

    /// <summary>Sends event <paramref name="eventName"/> with <paramref name="payload"/> (JSON, or null) to a running or suspended instance.</summary>
    public async Task<ActionResult> RaiseEventAsync(string instanceId, string eventName, JsonElement? payload, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(eventName);
        var instance = await RequireAsync(instanceId, RaiseEvent, cancellationToken);
        await client.RaiseEventAsync(instanceId, eventName, payload, cancellationToken);
        return new ActionResult(instanceId, RaiseEvent, instance.RuntimeStatus, $"Event '{eventName}' sent.");
    }

    private async Task<OrchestrationMetadata> RequireAsync(string instanceId, string action, CancellationToken cancellationToken)
    {
        var instance = await client.GetInstanceAsync(instanceId, cancellationToken) ?? throw NotFound(instanceId);
        var allowed = InstanceQueries.AllowedActions(instance.RuntimeStatus);
        if (!allowed.Contains(action))
            throw new InvalidOperationException($"Instance '{instanceId}' is {instance.RuntimeStatus}; {action} is not possible (possible now: {string.Join(", ", allowed)}).");
        return instance;
    }

    private static InstanceNotFoundException NotFound(string instanceId) => new($"No orchestration instance has id '{instanceId}'.");
}
