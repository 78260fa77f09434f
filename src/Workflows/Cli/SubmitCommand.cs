using System.CommandLine;
using Microsoft.DurableTask.Client;
using RankDistill.Activities.Storage;
using RankDistill.Workflows.Hosting;
using RankDistill.Workflows.Orchestrations;

namespace RankDistill.Workflows.Cli;

/// <summary>
/// <c>submit &lt;drop&gt;</c>: schedules <c>pipeline-&lt;drop&gt;</c> on the configured task hub with the <c>Pipeline</c>
/// settings, for a worker (<c>serve</c> or <c>worker</c>) to run. Refuses a drop without its <c>_SUCCESS</c> marker, and
/// a drop that already has a run (exit 1, saying its status).
/// </summary>
internal sealed class SubmitCommand : IHostCommand
{
    public Command Create()
    {
        var drop = new Argument<string>("drop") { Description = "The drop id: the folder name under clicklogs/ in the artifact store." };
        var data = DataOption.Create();
        var command = new Command("submit", "Schedule the pipeline of a complete click-log drop (instance pipeline-<drop>).") { drop, data };
        command.SetAction((parseResult, cancellationToken) => HostStartup.RunAsync(parseResult, DataOption.Settings(parseResult, data),
            (host, ct) => SubmitAsync(host, parseResult.GetValue(drop)!, ct), cancellationToken));
        return command;
    }

    private static async Task<int> SubmitAsync(HostContext host, string dropId, CancellationToken cancellationToken)
    {
        var registrations = new ServiceCollection().AddArtifactStore(host.Configuration);
        registrations.AddPipelineTaskHub(host.Settings.TaskHub);
        await using var services = registrations.BuildServiceProvider();
        var store = services.GetRequiredService<IArtifactStore>();
        var marker = $"{ClickLogWatcher.DropArea}/{dropId}/{ClickLogWatcher.SuccessMarker}";
        if (!await store.ExistsAsync(marker, cancellationToken))
        {
            await host.Error.WriteLineAsync($"Drop '{dropId}' is not complete: {marker} is missing in {store.Description}. "
                + "A producer writes _SUCCESS last, once every file of the drop is in place.");
            return ExitCodes.Failure;
        }
        var outcome = await PipelineSubmission.SubmitAsync(
            services.GetRequiredService<DurableTaskClient>(), dropId, host.Settings.Pipeline.Settings, cancellationToken);
        if (!outcome.Started)
        {
            await host.Error.WriteLineAsync($"Drop '{dropId}' already has pipeline {outcome.InstanceId} ({outcome.ExistingStatus}); a drop runs once. "
                + $"See `status {outcome.InstanceId}`; a failed run can be continued with `rewind {outcome.InstanceId}`.");
            return ExitCodes.Failure;
        }
        await host.Output.WriteLineAsync($"Scheduled {outcome.InstanceId} (preset {host.Settings.Pipeline.Preset}); a worker serving the default and gpu queues runs it.");
        return ExitCodes.Success;
    }
}
