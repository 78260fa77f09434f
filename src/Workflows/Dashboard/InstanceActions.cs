using System.Text.Json;
using Microsoft.DurableTask.Client;
using RankDistill.Workflows.Dashboard.Api;
using RankDistill.Workflows.Hosting;

namespace RankDistill.Workflows.Dashboard;

/// <summary>
/// The control actions of the dashboard and the CLI. Each checks that the instance's status allows it, asks the
/// engine, and says what happened. Control messages are queued: the instance reacts at its next step.
/// </summary>
/// <exception cref="InstanceNotFoundException">No instance has the id (every method).</exception>
/// <exception cref="InvalidOperationException">The status does not allow the action (every method); the message says why.</exception>
/// <exception cref="FormatException">An event name that is blank or holds control characters.</exception>
public sealed class InstanceActions(DurableTaskClient client)
{
    public const string Terminate = "terminate";
    public const string Suspend = "suspend";
    public const string Resume = "resume";
    public const string Rewind = "rewind";
    public const string Purge = "purge";
    public const string RaiseEvent = "raise-event";

    public Task<ActionResult> TerminateAsync(string instanceId, string? reason, CancellationToken cancellationToken) =>
        // The reason becomes the terminated instance's output (the SDK has no other place for it), so the history keeps it;
        // Recursive asks for its children (the labelling sub-orchestration) to be terminated with it.
        ControlAsync(instanceId, Terminate, ct => client.TerminateInstanceAsync(instanceId, new TerminateInstanceOptions(reason, Recursive: true), ct),
            "Termination requested: running steps are cancelled and the instance becomes Terminated at its next step.", cancellationToken);

    public Task<ActionResult> SuspendAsync(string instanceId, string? reason, CancellationToken cancellationToken) =>
        ControlAsync(instanceId, Suspend, ct => client.SuspendInstanceAsync(instanceId, reason, ct),
            "Suspension requested: results and events are held until it is resumed.", cancellationToken);

    public Task<ActionResult> ResumeAsync(string instanceId, string? reason, CancellationToken cancellationToken) =>
        ControlAsync(instanceId, Resume, ct => client.ResumeInstanceAsync(instanceId, reason, ct),
            "Resume requested: held results and events are delivered.", cancellationToken);

    public Task<ActionResult> RewindAsync(string instanceId, string? reason, CancellationToken cancellationToken) =>
        ControlAsync(instanceId, Rewind, ct => client.RewindInstanceAsync(instanceId, reason ?? "", ct),
            "Rewind requested: the failed steps run again and completed ones are kept.", cancellationToken);

    public async Task<ActionResult> PurgeAsync(string instanceId, CancellationToken cancellationToken)
    {
        await RequireAsync(instanceId, Purge, cancellationToken);
        if ((await client.PurgeInstanceAsync(instanceId, cancellation: cancellationToken)).PurgedInstanceCount == 0)
            throw NotFound(instanceId);
        return new ActionResult(instanceId, Purge, null, "Purged: the instance and its history are deleted (the run's artifacts are kept).");
    }

    /// <summary>Sends event <paramref name="eventName"/> with <paramref name="payload"/> (JSON, or null) to a running or suspended instance.</summary>
    public Task<ActionResult> RaiseEventAsync(string instanceId, string eventName, JsonElement? payload, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(eventName) || eventName.Any(char.IsControl))
            throw new FormatException($"The event name '{Printable.Escape(eventName)}' is blank or holds control characters; name the event the instance waits for.");
        return ControlAsync(instanceId, RaiseEvent, ct => client.RaiseEventAsync(instanceId, eventName, payload, ct), $"Event '{eventName}' sent.", cancellationToken);
    }

    /// <summary>Checks the status allows <paramref name="action"/>, sends it, and reports the status it was sent in.</summary>
    private async Task<ActionResult> ControlAsync(string instanceId, string action, Func<CancellationToken, Task> send, string message, CancellationToken cancellationToken)
    {
        var instance = await RequireAsync(instanceId, action, cancellationToken);
        await send(cancellationToken);
        return new ActionResult(instanceId, action, instance.RuntimeStatus, message);
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
