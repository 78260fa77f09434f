using DurableTask.Core.Exceptions;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using RankDistill.Activities.Pipeline;

namespace RankDistill.Workflows.Orchestrations;

/// <summary>What <see cref="PipelineSubmission.SubmitAsync"/> did: started a new run, or found the drop's run already there.</summary>
public sealed record SubmitOutcome(string InstanceId, bool Started, OrchestrationRuntimeStatus? ExistingStatus);

/// <summary>
/// Schedules a drop's <see cref="DistillationPipeline"/> under its one instance id, refused when that id exists in any
/// status, so that a drop never runs twice: not when the watcher sees it again, not after a restart, not when two hosts
/// race (the provider refuses the second create; on Azure Storage the second start message is also deduplicated). The
/// watcher, <c>submit</c> and <c>demo</c> all start runs here.
/// </summary>
public static class PipelineSubmission
{
    public static async Task<SubmitOutcome> SubmitAsync(
        DurableTaskClient client, string dropId, PipelineSettings settings, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentException.ThrowIfNullOrWhiteSpace(dropId);
        var instanceId = DistillationPipeline.InstanceIdFor(dropId);
        // Checked first so that a drop seen on every scan costs a read, not a refused create.
        if (await client.GetInstanceAsync(instanceId, cancellationToken) is { } existing)
            return new SubmitOutcome(instanceId, false, existing.RuntimeStatus);
        try
        {
            // No dedupe statuses given: our client then refuses an existing id whatever its status.
            await client.ScheduleNewOrchestrationInstanceAsync(
                DistillationPipeline.Name, new PipelineInput(instanceId, dropId, settings), new StartOrchestrationOptions(instanceId), cancellationToken);
            return new SubmitOutcome(instanceId, true, null);
        }
        catch (OrchestrationAlreadyExistsException)
        {
            var status = (await client.GetInstanceAsync(instanceId, cancellationToken))?.RuntimeStatus;
            return new SubmitOutcome(instanceId, false, status);
        }
    }
}
