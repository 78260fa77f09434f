using System.CommandLine;
using System.Diagnostics;
using Microsoft.AspNetCore.Connections;
using Microsoft.DurableTask.Client;
using RankDistill.Activities.Pipeline;
using RankDistill.Activities.Storage;
using RankDistill.TaskHub;
using RankDistill.Workflows.Dashboard;
using RankDistill.Workflows.Hosting;
using RankDistill.Workflows.Orchestrations;

namespace RankDistill.Workflows.Cli;

/// <summary>
/// <c>demo [--quick] [--data DIR] [--seed N]</c>: generates a synthetic web from the seed, writes it as drop
/// <c>demo-[quick-]&lt;seed&gt;</c> into the data folder's store, runs its pipeline in this process (worker on the default
/// and gpu queues, dashboard on loopback), follows it, and prints the report, ending with the <c>report: …</c> line.
/// Run again on the same data folder, it resumes the unfinished run (same instance id) or, when it is done, prints its
/// report again. Deterministic: the same seed and preset give the same drop, the same run and the same numbers.
/// </summary>
internal sealed class DemoCommand : IHostCommand
{
    public const long DefaultSeed = 42;

    // One process runs everything here, so after a crash the next run waits out the dead process's locks: keep them short.
    private static readonly TimeSpan _leaseDuration = TimeSpan.FromSeconds(15);

    public Command Create()
    {
        var quick = new Option<bool>("--quick") { Description = "A smaller world and the Quick preset: under 2 minutes on 2 cores." };
        var seed = new Option<long>("--seed") { Description = "Seeds the synthetic web (and so the whole run).", DefaultValueFactory = _ => DefaultSeed, HelpName = "N" };
        var data = DataOption.Create();
        data.Description = $"The data folder (task hub, store); default: Data:Root when configured, else {DataOption.DemoFolder}.";
        var command = new Command("demo", "Generate a synthetic click-log world, run the whole pipeline on it here, print the report.") { quick, seed, data };
        command.SetAction((parseResult, cancellationToken) => HostStartup.RunAsync(parseResult, Settings(parseResult, data, parseResult.GetValue(quick)),
            (host, ct) => RunAsync(host, parseResult.GetValue(quick), parseResult.GetValue(seed), ct), cancellationToken));
        return command;
    }

    /// <summary>What the flags stand for: the data folder (unless configured elsewhere) and the Quick preset.</summary>
    private static List<string> Settings(ParseResult parseResult, Option<string?> data, bool quick)
    {
        var settings = new List<string>(DataOption.DemoSettings(parseResult, data));
        if (quick)
            settings.Add($"--Pipeline:Preset={PipelinePreset.Quick}");
        return settings;
    }

    private static async Task<int> RunAsync(HostContext host, bool quick, long seed, CancellationToken cancellationToken)
    {
        WebApplication app;
        try
        {
            app = await StartDashboardAsync(host, cancellationToken);
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
                return await RunPipelineAsync(host, app.Services, app.Urls, quick, seed, cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                await host.Error.WriteLineAsync("Interrupted. Run the same command again (same --data) to resume where the run stopped.");
                return ExitCodes.Failure;
            }
            finally
            {
                await app.StopAsync(CancellationToken.None);
            }
        }
    }

    /// <summary>
    /// The in-process worker and dashboard, started. Unless <c>Dashboard:Urls</c> is set, the dashboard takes its usual
    /// address or, when that port is taken (a second demo, a running serve), any free loopback port: decided by the bind
    /// itself, since a port probed free can be taken before the bind.
    /// </summary>
    internal static async Task<WebApplication> StartDashboardAsync(HostContext host, CancellationToken cancellationToken)
    {
        if (host.Configuration["Dashboard:Urls"] is not null)
            return await StartDashboardAsync(host, null, cancellationToken);
        try
        {
            return await StartDashboardAsync(host, [DashboardOptions.DefaultUrl], cancellationToken);
        }
        catch (IOException e) when (e.InnerException is AddressInUseException)
        {
            return await StartDashboardAsync(host, ["http://127.0.0.1:0"], cancellationToken);
        }
    }

    private static async Task<WebApplication> StartDashboardAsync(HostContext host, IReadOnlyList<string>? urls, CancellationToken cancellationToken)
    {
        var dashboard = DashboardOptions.Read(host.Configuration, urls);
        if (host.Configuration["TaskHub:LockDuration"] is null)
            host.Settings.TaskHub.LockDuration = _leaseDuration;
        var builder = DashboardWebHost.CreateBuilder(host.Configuration, host.Settings, dashboard,
            new Dictionary<string, int> { [TaskQueues.Default] = Environment.ProcessorCount, [TaskQueues.Gpu] = 1 });
        builder.Logging.ClearProviders();
        // Progress bars own the terminal: only warnings get through. Redirected output also gets the host's own
        // information lines; the trainers' line per update would drown the progress lines, which already carry it.
        // DurableTask.Core's own lines (a step handed back at Ctrl+C is an "aborted" warning and a middleware error)
        // are the runtime's bookkeeping: the demo reports failures itself, from the instance. The generic host's
        // "Hosting failed to start" when another process holds port 5080 is the demo's cue to serve elsewhere, not an
        // error (a category rule: it must be longer than appsettings' "Microsoft" to win over it).
        builder.Logging.AddConsoleLines().AddFilter("Microsoft.Extensions.Hosting", LogLevel.Critical).AddFilter((category, level) =>
            category?.StartsWith("DurableTask.", StringComparison.Ordinal) == true ? level >= LogLevel.Critical
            : level >= LogLevel.Warning
            || (!ProgressView.IsInteractive && level >= LogLevel.Information && category?.StartsWith("RankDistill.Workflows", StringComparison.Ordinal) == true));
        var app = builder.Build();
        app.MapDashboard();
        try
        {
            await app.StartAsync(cancellationToken);
            return app;
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }
    }

    private static async Task<int> RunPipelineAsync(
        HostContext host, IServiceProvider services, ICollection<string> urls, bool quick, long seed, CancellationToken cancellationToken)
    {
        var output = host.Output;
        var store = services.GetRequiredService<IArtifactStore>();
        var client = services.GetRequiredService<DurableTaskClient>();
        var settings = host.Settings.Pipeline.Settings;
        var dropId = DemoDrop.IdFor(quick, seed);
        await output.WriteLineAsync($"RankDistill demo: data folder {host.Settings.Data.Root}, preset {host.Settings.Pipeline.Preset}, seed {seed}");
        foreach (var url in urls)
            await output.WriteLineAsync($"Dashboard: {url}/ (while the demo runs)");
        try
        {
            if (await DemoDrop.EnsureAsync(store, quick, seed, cancellationToken))
                await output.WriteLineAsync($"Wrote drop {dropId} to {store.Description}");
        }
        catch (DemoDropMismatchException e)
        {
            await host.Error.WriteLineAsync(e.Message);
            return ExitCodes.InvalidConfiguration;
        }
        var outcome = await PipelineSubmission.SubmitAsync(client, dropId, settings, cancellationToken);
        var instanceId = outcome.InstanceId;
        await output.WriteLineAsync(outcome.Started ? $"Started {instanceId}" : $"Found {instanceId} ({outcome.ExistingStatus}): {(outcome.ExistingStatus is { } s && s.IsTerminal() ? "reporting it" : "resuming it")}");
        var runSettings = (await client.GetInstanceAsync(instanceId, getInputsAndOutputs: true, cancellationToken))?.ReadInputAs<PipelineInput>()?.Settings ?? settings;

        var last = await ProgressView.FollowAsync(new PipelineProgress(client, store, instanceId, runSettings), output, cancellationToken);
        var instance = last.Instance;
        if (instance.RuntimeStatus != OrchestrationRuntimeStatus.Completed)
        {
            // The innermost failure is the reason; the outer ones only say which task carried it.
            var cause = instance.FailureDetails;
            while (cause?.InnerFailure is { } inner)
                cause = inner;
            var reason = cause is null ? "no failure details" : $"{cause.ErrorType}: {cause.ErrorMessage}";
            await host.Error.WriteLineAsync($"{instanceId} {instance.RuntimeStatus.ToString().ToLowerInvariant()} in {last.Stage}: {reason}");
            await host.Error.WriteLineAsync($"See `status {instanceId} --data {host.Settings.Data.Root}`; continue a failed run with `rewind {instanceId}`.");
            return ExitCodes.Failure;
        }
        var result = instance.ReadOutputAs<PipelineOutput>() ?? throw new InvalidOperationException($"{instanceId} completed without an output.");
        var manifest = await WriteRunManifest.ReadAsync(store, result.RunId, cancellationToken);
        using var self = Process.GetCurrentProcess();
        await DemoReport.WriteAsync(output, result, ReportLocation(host.Settings, result.RunId), manifest, self.PeakWorkingSet64);
        return ExitCodes.Success;
    }

    private static string ReportLocation(HostSettings settings, string runId) => settings.Storage.Kind == StorageKind.Local
        ? Path.Combine(settings.Storage.LocalRoot, RunLayout.ReportHtml(runId))
        : RunLayout.ReportHtml(runId);
}
