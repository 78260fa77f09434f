using System.CommandLine;
using Microsoft.DurableTask.Client;
using RankDistill.Activities.Storage;
using RankDistill.Workflows.Hosting;
using RankDistill.Workflows.Orchestrations;

namespace RankDistill.Workflows.Cli;

/// <summary>
/// <c>submit &lt;drop&gt;</c>: schedules <c>pipeline-&lt;drop&gt;</c> on the configured task hub with the <c>Pipeline</c>
/// settings, for a worker (<c>serve</c> or <c>worker</c>) to run. Refuses a drop without its <c>_SUCCESS</c> marker, and
/// a drop that already has a run (exit 1, saying its status). With <c>--from DIR</c> it first copies a local drop
/// folder (<see cref="DropFolder"/>) into the configured store, <c>_SUCCESS</c> last; a folder with any problem, a drop
/// that is already in the store or already has a run, is refused before anything is copied.
/// </summary>
internal sealed class SubmitCommand : IHostCommand
{
    public Command Create()
    {
        var drop = new Argument<string>("drop") { Description = "The drop id: the folder name under clicklogs/ in the artifact store." };
        var from = new Option<string?>("--from")
        {
            Description = "Copy this local drop folder into the store first: click-log files at its top, labels (optional) in its labels/ subfolder.",
            HelpName = "DIR",
        };
        var data = DataOption.Create();
        var command = new Command("submit", "Schedule the pipeline of a complete click-log drop (instance pipeline-<drop>).") { drop, from, data };
        command.SetAction((parseResult, cancellationToken) => HostStartup.RunAsync(parseResult, DataOption.Settings(parseResult, data),
            (host, ct) => SubmitAsync(host, parseResult.GetValue(drop)!, parseResult.GetValue(from), ct), cancellationToken));
        return command;
    }

    private static async Task<int> SubmitAsync(HostContext host, string dropId, string? fromFolder, CancellationToken cancellationToken)
    {
        DropFolder? folder = null;
        if (fromFolder is not null)
        {
            folder = DropFolder.Read(Path.GetFullPath(fromFolder), dropId, out var problems);
            if (folder is null)
            {
                await host.Error.WriteLineAsync($"Drop folder '{fromFolder}' cannot be submitted as drop '{dropId}'; nothing was copied:");
                foreach (var problem in problems)
                    await host.Error.WriteLineAsync($"  {Printable.Escape(problem)}");
                return ExitCodes.Failure;
            }
        }
        var registrations = new ServiceCollection().AddHostSettings(host.Settings).AddArtifactStore();
        registrations.AddPipelineTaskHub(host.Settings.TaskHub);
        await using var services = registrations.BuildServiceProvider();
        var store = services.GetRequiredService<IArtifactStore>();
        var client = services.GetRequiredService<DurableTaskClient>();
        if (folder is not null && await CopyAsync(host, folder, store, client, cancellationToken) is { } refused)
            return refused;
        var marker = $"{ClickLogWatcher.DropArea}/{dropId}/{ClickLogWatcher.SuccessMarker}";
        if (!await store.ExistsAsync(marker, cancellationToken))
        {
            await host.Error.WriteLineAsync($"Drop '{dropId}' is not complete: {marker} is missing in {store.Description}. "
                + "A producer writes _SUCCESS last, once every file of the drop is in place.");
            return ExitCodes.Failure;
        }
        var outcome = await PipelineSubmission.SubmitAsync(client, dropId, host.Settings.Pipeline.Settings, cancellationToken);
        if (!outcome.Started && folder is not null)
        {
            // The drop had no run before the copy: a watcher (serve, worker --watch) saw its _SUCCESS first and started it.
            await host.Output.WriteLineAsync($"{outcome.InstanceId} was started by a watcher as soon as the drop was complete ({outcome.ExistingStatus}).");
            return ExitCodes.Success;
        }
        if (!outcome.Started)
        {
            await host.Error.WriteLineAsync($"Drop '{dropId}' already has pipeline {outcome.InstanceId} ({outcome.ExistingStatus}); a drop runs once. "
                + $"See `status {outcome.InstanceId}`; a failed run can be continued with `rewind {outcome.InstanceId}`.");
            return ExitCodes.Failure;
        }
        await host.Output.WriteLineAsync($"Scheduled {outcome.InstanceId} (preset {host.Settings.Pipeline.Preset}); a worker serving the default and gpu queues runs it.");
        return ExitCodes.Success;
    }

    /// <summary>Copies the folder unless the drop already has a run or is already in the store; null when copied, else the exit code.</summary>
    private static async Task<int?> CopyAsync(HostContext host, DropFolder folder, IArtifactStore store, DurableTaskClient client, CancellationToken cancellationToken)
    {
        var instanceId = DistillationPipeline.InstanceIdFor(folder.DropId);
        if (await client.GetInstanceAsync(instanceId, cancellationToken) is { } existing)
        {
            await host.Error.WriteLineAsync($"Drop '{folder.DropId}' already has pipeline {instanceId} ({existing.RuntimeStatus}); a drop runs once, so nothing was copied. "
                + "Give the new data another drop id.");
            return ExitCodes.Failure;
        }
        if (await store.ExistsAsync(folder.Marker, cancellationToken))
        {
            await host.Error.WriteLineAsync($"Drop '{folder.DropId}' is already complete in {store.Description} ({folder.Marker}); nothing was copied. "
                + "Submit it without --from, or give the new data another drop id.");
            return ExitCodes.Failure;
        }
        // Files of an earlier copy that stopped midway are replaced; a stored file the folder does not have would join
        // this drop unseen, so it is refused rather than deleted (it may be someone else's).
        var ours = folder.ClickFiles.Concat(folder.LabelFiles).Select(f => f.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var area in new[] { ClickLogWatcher.DropArea, DropFolder.LabelArea })
        {
            await foreach (var stored in store.ListAsync($"{area}/{folder.DropId}/", cancellationToken))
            {
                if (!ours.Contains(stored.Name))
                {
                    await host.Error.WriteLineAsync($"{stored.Name} is in {store.Description} but not in the folder; nothing was copied. "
                        + "Delete it, or give the new data another drop id.");
                    return ExitCodes.Failure;
                }
            }
        }
        await folder.CopyAsync(store, cancellationToken);
        await host.Output.WriteLineAsync($"Copied {folder.ClickFiles.Count} click-log file(s) and {folder.LabelFiles.Count} label file(s) into "
            + $"{ClickLogWatcher.DropArea}/{folder.DropId}/ and {DropFolder.LabelArea}/{folder.DropId}/ of {store.Description}, then {ClickLogWatcher.SuccessMarker}.");
        return null;
    }
}
