using RankDistill.Activities.Pipeline;
using RankDistill.Durable;
using RankDistill.Durable.Client;

namespace RankDistill.Workflows.Orchestrations;

/// <summary>What <see cref="PipelineSubmission.SubmitAsync"/> did: started a new run, or found the drop's run already there.</summary>
public sealed record SubmitOutcome(string InstanceId, bool Started, OrchestrationRuntimeStatus? ExistingStatus);

/// <summary>
/// Schedules a drop's <see cref="DistillationPipeline"/> under its one instance id with the <c>Reject</c> reuse policy,
/// so that a drop never runs twice: not when the watcher sees it again, not after a restart, not when two hosts race
/// (the task hub refuses the second in the same transaction that would create it). The watcher, <c>submit</c> and
/// <c>demo</c> all start runs here.
/// </summary>
public static class PipelineSubmission
{
    public static async Task<SubmitOutcome> SubmitAsync(
        DurableTaskClient client, string dropId, PipelineSettings settings, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentException.ThrowIfNullOrWhiteSpace(dropId);
        var instanceId = DistillationPipeline.InstanceIdFor(dropId);
        // Checked first so that a drop seen on every scan costs a read, not a refused insert.
        if (await client.GetInstanceAsync(instanceId, cancellationToken) is { } existing)
            return new SubmitOutcome(instanceId, false, existing.RuntimeStatus);
        try
        {
            await client.ScheduleNewOrchestrationInstanceAsync(
                DistillationPipeline.Name, new PipelineInput(instanceId, dropId, settings),
                new StartOrchestrationOptions { InstanceId = instanceId, ReusePolicy = InstanceIdReusePolicy.Reject }, cancellationToken);
            return new SubmitOutcome(instanceId, true, null);
        }
        catch (InstanceAlreadyExistsException e)
        {
            return new SubmitOutcome(instanceId, false, e.Status);
        }
    }
}
