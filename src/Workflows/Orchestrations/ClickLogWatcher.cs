using Microsoft.DurableTask.Client;
using RankDistill.Activities.Pipeline;
using RankDistill.Activities.Storage;

namespace RankDistill.Workflows.Orchestrations;

/// <summary>
/// Starts one <see cref="DistillationPipeline"/> per complete click-log drop: a folder <c>clicklogs/&lt;drop-id&gt;/</c>
/// whose <c>_SUCCESS</c> marker is present (producers write it last; its human labels are at <c>labels/&lt;drop-id&gt;/</c>).
/// A drop without the marker is still arriving and is left alone.
/// <para>
/// A hosted service (<see cref="Hosting.ClickLogWatcherService"/>) calls <see cref="ScanAsync"/> on a timer, rather than
/// an eternal orchestration: the watcher keeps no state of its own (which drops have runs is the task hub's instance
/// table, and <see cref="PipelineSubmission"/> makes a start idempotent across restarts and racing
/// hosts), so durability would buy nothing, while an eternal instance would add history on every poll and sit forever
/// in the dashboard's list of pipelines.
/// </para>
/// </summary>
public sealed class ClickLogWatcher(IArtifactStore store, DurableTaskClient client, PipelineSettings settings, ILogger<ClickLogWatcher> logger)
{
    public const string DropArea = "clicklogs";
    public const string SuccessMarker = "_SUCCESS";

    /// <summary>Lists the complete drops and starts a run for each that has none.</summary>
    /// <returns>The instance ids started by this scan.</returns>
    public async Task<IReadOnlyList<string>> ScanAsync(CancellationToken cancellationToken = default)
    {
        var started = new List<string>();
        foreach (var dropId in await CompleteDropsAsync(store, cancellationToken))
        {
            var outcome = await PipelineSubmission.SubmitAsync(client, dropId, settings, cancellationToken);
            if (outcome.Started)
            {
                logger.PipelineStarted(dropId, outcome.InstanceId);
                started.Add(outcome.InstanceId);
            }
            else
            {
                logger.PipelineExists(dropId, outcome.InstanceId, outcome.ExistingStatus?.ToString() ?? "unknown");
            }
        }
        return started;
    }

    /// <summary>The ids of drops whose <c>_SUCCESS</c> marker is present, in name order.</summary>
    public static async Task<IReadOnlyList<string>> CompleteDropsAsync(IArtifactStore store, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        var drops = new List<string>();
        await foreach (var artifact in store.ListAsync($"{DropArea}/", cancellationToken))
        {
            // clicklogs/<drop-id>/_SUCCESS exactly: a marker deeper down belongs to a sub-folder, not a drop.
            var parts = artifact.Name.Split('/');
            if (parts is [DropArea, var dropId, SuccessMarker])
                drops.Add(dropId);
        }
        return drops;
    }

    /// <summary>The instance id a drop's run gets; the same as <see cref="DistillationPipeline.InstanceIdFor"/>.</summary>
    public static string InstanceIdFor(string dropId) => DistillationPipeline.InstanceIdFor(dropId);

    /// <summary>Where a drop's human labels are expected.</summary>
    public static string LabelsOf(string dropId) => $"labels/{dropId}/";

    internal string StoreDescription => store.Description;
}
