using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using RankDistill.Activities.Pipeline;

namespace RankDistill.Workflows.Orchestrations;

/// <summary>What <see cref="AblationSubmission.SubmitAsync"/> did with the ablation's one instance id.</summary>
public enum AblationStart
{
    /// <summary>No instance had the id: a new ablation.</summary>
    Started,

    /// <summary>The instance is running, pending or completed: follow it or report it.</summary>
    Found,

    /// <summary>The instance had failed or been terminated: it starts again under the same id, and finished arms are reused.</summary>
    Restarted,
}

/// <summary>What was done, and the input the instance runs with (a found one keeps its own).</summary>
public sealed record AblationSubmitOutcome(string InstanceId, AblationStart Start, OrchestrationRuntimeStatus? PreviousStatus, AblationInput Input);

/// <summary>
/// Starts a drop's <see cref="AblationStudy"/> under its one id, <c>ablation-&lt;drop&gt;</c>. A running or completed
/// ablation is left as it is. A failed or terminated one is purged (with its labelling child) and started again with
/// the same id, and so the same artifact paths: every activity returns the output it already stored, so the arms
/// that finished are not trained again. That is how an ablation resumes whatever stopped it; unlike rewind, it also
/// continues a terminated instance.
/// </summary>
public static class AblationSubmission
{
    /// <exception cref="ArgumentException">An ablation of this drop exists with other seeds: its arms would not be these.</exception>
    /// <param name="client">The default queue's task hub, where the ablation runs.</param>
    /// <param name="gpuClient">The gpu queue's task hub, where its GPU steps ran.</param>
    /// <param name="dropId">The drop the ablation runs on.</param>
    /// <param name="settings">The settings its arms vary from (a found or restarted ablation keeps its own).</param>
    /// <param name="seeds">The seeds each arm runs on.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    public static async Task<AblationSubmitOutcome> SubmitAsync(
        DurableTaskClient client, DurableTaskClient gpuClient, string dropId, PipelineSettings settings, IReadOnlyList<int> seeds,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(gpuClient);
        ArgumentException.ThrowIfNullOrWhiteSpace(dropId);
        var instanceId = AblationStudy.InstanceIdFor(dropId);
        var input = new AblationInput(instanceId, dropId, settings, seeds);
        var existing = await client.GetInstanceAsync(instanceId, getInputsAndOutputs: true, cancellationToken);
        if (existing is null)
        {
            await client.ScheduleNewOrchestrationInstanceAsync(AblationStudy.Name, input, new StartOrchestrationOptions(instanceId), cancellationToken);
            return new AblationSubmitOutcome(instanceId, AblationStart.Started, null, input);
        }
        var stored = existing.ReadInputAs<AblationInput>() ?? throw new InvalidOperationException($"{instanceId} has no input.");
        if (!stored.Seeds.SequenceEqual(seeds))
        {
            throw new ArgumentException(
                $"{instanceId} exists with seeds {string.Join(",", stored.Seeds)}, not {string.Join(",", seeds)}: pass --seeds {string.Join(",", stored.Seeds)}, or purge it first.", nameof(seeds));
        }
        if (existing.RuntimeStatus is not (OrchestrationRuntimeStatus.Failed or OrchestrationRuntimeStatus.Terminated))
            return new AblationSubmitOutcome(instanceId, AblationStart.Found, existing.RuntimeStatus, stored);

        // Its settings stay those it was started with: the arms already trained were made with them.
        await PurgeGpuStepsAsync(gpuClient, instanceId, cancellationToken);
        await client.PurgeInstanceAsync(LabelingInstanceId(instanceId), cancellation: cancellationToken);
        await client.PurgeInstanceAsync(instanceId, cancellation: cancellationToken);
        await client.ScheduleNewOrchestrationInstanceAsync(AblationStudy.Name, stored, new StartOrchestrationOptions(instanceId), cancellationToken);
        return new AblationSubmitOutcome(instanceId, AblationStart.Restarted, existing.RuntimeStatus, stored);
    }

    /// <summary>
    /// A GPU step's id is its caller's instance id and the call's task id (<c>GpuStep.InstanceIdFor</c>), and a finished
    /// step under an id is reused. A new execution under the same instance id numbers its calls afresh, and the
    /// ablation's calls are numbered in the order its parallel arms finish, so an old step's id can name another call
    /// now: the old steps go first (a running one is terminated and waited for), and each call starts a step of its own,
    /// whose activity returns the output already stored.
    /// </summary>
    private static async Task PurgeGpuStepsAsync(DurableTaskClient gpuClient, string instanceId, CancellationToken cancellationToken)
    {
        foreach (var prefix in new[] { $"{instanceId}@", $"{LabelingInstanceId(instanceId)}@" })
        {
            var steps = new List<OrchestrationMetadata>();
            await foreach (var step in gpuClient.GetAllInstancesAsync(new OrchestrationQuery { InstanceIdPrefix = prefix, PageSize = 1000 }).WithCancellation(cancellationToken))
                steps.Add(step);
            foreach (var step in steps)
            {
                if (!step.IsCompleted)
                {
                    await gpuClient.TerminateInstanceAsync(step.InstanceId, cancellation: cancellationToken);
                    await gpuClient.WaitForInstanceCompletionAsync(step.InstanceId, cancellation: cancellationToken);
                }
                await gpuClient.PurgeInstanceAsync(step.InstanceId, cancellation: cancellationToken);
            }
        }
    }

    /// <summary>The labelling child's id (see <see cref="PipelineCalls.CallTeacherLabelingShardsAsync"/>).</summary>
    private static string LabelingInstanceId(string instanceId) => $"{instanceId}:labeling";
}
