using System.CommandLine;
using System.Globalization;
using Microsoft.DurableTask.Client;
using RankDistill.Activities.Ablation;
using RankDistill.Activities.Storage;
using RankDistill.TaskHub;
using RankDistill.Workflows.Hosting;
using RankDistill.Workflows.Orchestrations;

namespace RankDistill.Workflows.Cli;

/// <summary>
/// <c>ablate [DROP] [--quick] [--seeds 1,2,3] [--data DIR]</c>: runs <see cref="AblationStudy"/> on a drop (without one,
/// on the demo's synthetic world, written as <c>demo</c> writes it) in this process, as <c>demo</c> runs the pipeline:
/// worker and dashboard here, one line per finished arm, then the table of variants and paired comparisons beside the
/// paper's claims, ending with the <c>ablation: …</c> line. Run again, it follows a running ablation, reports a finished
/// one, and starts a failed or terminated one again without training again the arms that finished.
/// </summary>
internal sealed class AblateCommand : IHostCommand
{
    private static readonly TimeSpan _poll = TimeSpan.FromSeconds(1);

    public Command Create()
    {
        var drop = new Argument<string?>("drop") { Description = "A complete click-log drop; none: the demo's synthetic world.", Arity = ArgumentArity.ZeroOrOne };
        var quick = new Option<bool>("--quick") { Description = "The Quick preset (and, without a drop, the demo's quick world)." };
        var seeds = new Option<string>("--seeds") { Description = "The seeds every arm runs on, comma-separated.", DefaultValueFactory = _ => "1,2,3", HelpName = "1,2,3" };
        var data = DataOption.Create();
        data.Description = $"The data folder (task hub, store); default: Data:Root when configured, else {DataOption.DemoFolder} without a drop and .data with one.";
        var command = new Command("ablate", "Check the paper's findings on a drop: every variant on every seed, then the table.") { drop, quick, seeds, data };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            if (!TryParseSeeds(parseResult.GetValue(seeds)!, out var parsed))
            {
                await parseResult.InvocationConfiguration.Error.WriteLineAsync($"--seeds '{parseResult.GetValue(seeds)}' is not valid; expected distinct whole numbers from 0, comma-separated, like 1,2,3.");
                return ExitCodes.Failure;
            }
            var dropId = parseResult.GetValue(drop);
            return await HostStartup.RunAsync(parseResult, Settings(parseResult, data, dropId is null, parseResult.GetValue(quick)),
                (host, ct) => RunAsync(host, dropId, parseResult.GetValue(quick), parsed, ct), cancellationToken);
        });
        return command;
    }

    internal static bool TryParseSeeds(string text, out IReadOnlyList<int> seeds)
    {
        var parts = text.Split(',', StringSplitOptions.TrimEntries);
        var values = new List<int>();
        foreach (var part in parts)
        {
            if (!int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var seed))
                break;
            values.Add(seed);
        }
        seeds = values;
        return values.Count == parts.Length && values.Distinct().Count() == values.Count;
    }

    /// <summary>What the flags stand for: the demo's data folder for the demo world (unless configured), and the Quick preset.</summary>
    private static List<string> Settings(ParseResult parseResult, Option<string?> data, bool demoWorld, bool quick)
    {
        var settings = new List<string>(demoWorld ? DataOption.DemoSettings(parseResult, data) : DataOption.Settings(parseResult, data));
        if (quick)
            settings.Add($"--Pipeline:Preset={PipelinePreset.Quick}");
        return settings;
    }

    private static async Task<int> RunAsync(HostContext host, string? dropId, bool quick, IReadOnlyList<int> seeds, CancellationToken cancellationToken)
    {
        WebApplication app;
        try
        {
            app = await DemoCommand.StartDashboardAsync(host, cancellationToken);
        }
        catch (InvalidSettingsException e)
        {
            await host.Error.WriteLineAsync(e.Message);
            return ExitCodes.InvalidConfiguration;
        }
        await using (app)
        {
            try
            {
                return await AblateAsync(host, app.Services, app.Urls, dropId, quick, seeds, cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                await host.Error.WriteLineAsync("Interrupted. Run the same command again (same --data) to resume: finished arms are not trained again.");
                return ExitCodes.Failure;
            }
            finally
            {
                await app.StopAsync(CancellationToken.None);
            }
        }
    }

    private static async Task<int> AblateAsync(
        HostContext host, IServiceProvider services, ICollection<string> urls, string? dropId, bool quick, IReadOnlyList<int> seeds, CancellationToken cancellationToken)
    {
        var output = host.Output;
        var store = services.GetRequiredService<IArtifactStore>();
        var client = services.GetRequiredService<DurableTaskClient>();
        var started = DateTime.UtcNow;
        await output.WriteLineAsync($"RankDistill ablation: data folder {host.Settings.Data.Root}, preset {host.Settings.Pipeline.Preset}, seeds {string.Join(",", seeds)}");
        foreach (var url in urls)
            await output.WriteLineAsync($"Dashboard: {url}/ (while the ablation runs)");
        if (dropId is null)
        {
            dropId = DemoDrop.IdFor(quick, DemoCommand.DefaultSeed);
            try
            {
                if (await DemoDrop.EnsureAsync(store, quick, DemoCommand.DefaultSeed, cancellationToken))
                    await output.WriteLineAsync($"Wrote drop {dropId} to {store.Description}");
            }
            catch (DemoDropMismatchException e)
            {
                await host.Error.WriteLineAsync(e.Message);
                return ExitCodes.InvalidConfiguration;
            }
        }
        else if (!await store.ExistsAsync($"{ClickLogWatcher.DropArea}/{dropId}/{ClickLogWatcher.SuccessMarker}", cancellationToken))
        {
            await host.Error.WriteLineAsync($"Drop '{dropId}' is not complete: {ClickLogWatcher.DropArea}/{dropId}/{ClickLogWatcher.SuccessMarker} is missing in {store.Description}.");
            return ExitCodes.Failure;
        }

        var settings = host.Settings.Pipeline.Settings;
        var problems = AblationStudy.Problems(new AblationInput(AblationStudy.InstanceIdFor(dropId), dropId, settings, seeds));
        if (problems.Count > 0)
        {
            await host.Error.WriteLineAsync("The settings cannot make an ablation:" + string.Concat(problems.Select(p => $"{Environment.NewLine}  {p}")));
            return ExitCodes.InvalidConfiguration;
        }
        AblationSubmitOutcome outcome;
        try
        {
            outcome = await AblationSubmission.SubmitAsync(client, services.GetRequiredKeyedService<DurableTaskClient>(TaskQueues.Gpu), dropId, settings, seeds, cancellationToken);
        }
        catch (ArgumentException e)
        {
            await host.Error.WriteLineAsync(e.Message);
            return ExitCodes.Failure;
        }
        var id = outcome.InstanceId;
        await output.WriteLineAsync(outcome.Start switch
        {
            AblationStart.Started => $"Started {id}: {AblationDesign.Variants.Count} variants × {seeds.Count} seed{(seeds.Count == 1 ? "" : "s")}",
            AblationStart.Restarted => $"Started {id} again (it was {outcome.PreviousStatus}): finished arms are reused, not trained again",
            _ => $"Found {id} ({outcome.PreviousStatus}): {(outcome.PreviousStatus == OrchestrationRuntimeStatus.Completed ? "reporting it" : "resuming it")}",
        });

        var instance = await FollowAsync(client, id, output, started, cancellationToken);
        if (instance.RuntimeStatus != OrchestrationRuntimeStatus.Completed)
        {
            var cause = instance.FailureDetails;
            while (cause?.InnerFailure is { } inner)
                cause = inner;
            await host.Error.WriteLineAsync($"{id} {instance.RuntimeStatus.ToString().ToLowerInvariant()}: {(cause is null ? "no failure details" : $"{cause.ErrorType}: {cause.ErrorMessage}")}");
            await host.Error.WriteLineAsync("Run the same command again to start it again: the arms that finished are reused, not trained again.");
            return ExitCodes.Failure;
        }
        var result = instance.ReadOutputAs<AblationOutput>() ?? throw new InvalidOperationException($"{id} completed without an output.");
        var report = host.Settings.Storage.Kind == StorageKind.Local ? Path.Combine(host.Settings.Storage.LocalRoot, result.ReportHtml) : result.ReportHtml;
        await AblationConsoleReport.WriteAsync(output, result.Summary, report);
        return ExitCodes.Success;
    }

    /// <summary>One line each time the ablation's status changes (a stage, an arm finished), until it ends.</summary>
    private static async Task<OrchestrationMetadata> FollowAsync(DurableTaskClient client, string id, TextWriter output, DateTime started, CancellationToken cancellationToken)
    {
        string? last = null;
        while (true)
        {
            var instance = await client.GetInstanceAsync(id, getInputsAndOutputs: true, cancellationToken) ?? throw new InvalidOperationException($"No instance '{id}'.");
            if (instance.IsCompleted)
                return instance;
            if (instance.ReadCustomStatusAs<PipelineStatus>() is { } status && status.Detail != last)
            {
                last = status.Detail;
                var elapsed = DateTime.UtcNow - started;
                await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"  {(int)elapsed.TotalMinutes:00}:{elapsed.Seconds:00}  {status.Step,-8} {Printable.Escape(status.Detail)}"));
            }
            await Task.Delay(_poll, cancellationToken);
        }
    }
}
