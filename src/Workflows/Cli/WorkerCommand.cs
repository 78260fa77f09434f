using System.CommandLine;
using RankDistill.TaskHub;
using RankDistill.Workflows.Hosting;

namespace RankDistill.Workflows.Cli;

/// <summary>
/// <c>worker --queues gpu,default</c>: a worker process on the configured task hub that runs the pipeline's work from
/// the queues it serves (a GPU machine serves <c>gpu</c>) until Ctrl+C or SIGTERM, finishing what it holds. With
/// <c>--watch</c> it also runs the click-log watcher.
/// </summary>
internal sealed class WorkerCommand : IHostCommand
{
    public Command Create()
    {
        var queues = new Option<string?>("--queues")
        {
            Description = "Activity queues served, as name[=concurrency],... e.g. gpu=1,default; default: default with one activity per processor.",
            HelpName = "QUEUES",
        };
        var lease = new Option<TimeSpan?>("--lease")
        {
            Description = "How long work held by a worker that died waits before another takes it (the setting TaskHub:LockDuration, default 00:02:00).",
            HelpName = "hh:mm:ss",
        };
        var watch = new Option<bool>("--watch") { Description = "Also start a pipeline for each complete click-log drop (the watcher serve runs)." };
        var data = DataOption.Create();
        var command = new Command("worker", "Run pipeline work from the given queues until stopped.") { queues, lease, watch, data };
        command.SetAction((parseResult, cancellationToken) => HostStartup.RunAsync(parseResult, DataOption.Settings(parseResult, data),
            (host, ct) => RunAsync(host, parseResult.GetValue(queues), parseResult.GetValue(lease), parseResult.GetValue(watch), ct), cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(HostContext host, string? queueText, TimeSpan? lease, bool watch, CancellationToken cancellationToken)
    {
        if (lease is { } l && (l < TimeSpan.FromSeconds(5) || l > TimeSpan.FromHours(1)))
        {
            await host.Error.WriteLineAsync($"--lease {l:c} is not valid; expected 00:00:05 to 01:00:00");
            return ExitCodes.Failure;
        }
        if (!ServeCommand.TryParseQueues(queueText, out var queues, out var problem))
        {
            await host.Error.WriteLineAsync(problem);
            return ExitCodes.Failure;
        }
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { Configuration = new ConfigurationManager() });
        builder.Configuration.AddConfiguration(host.Configuration);
        builder.Logging.AddConfiguration(host.Configuration.GetSection("Logging")).AddConsoleLines();
        var taskHub = host.Settings.TaskHub;
        if (lease is { } duration)
            taskHub.LockDuration = duration;
        builder.Services.AddHostSettings(host.Settings).AddArtifactStore().AddPipelineTaskHub(taskHub).AddWorkers(queues);
        if (watch)
            builder.Services.AddClickLogWatcher(host.Settings.Pipeline);
        using var app = builder.Build();
        await app.StartAsync(cancellationToken);
        await host.Output.WriteLineAsync($"Worker on {app.Services.GetRequiredService<TaskHubs>().Description}, queues {string.Join(", ", queues.Select(q => $"{q.Key} x{q.Value}"))}"
            + (watch ? "; watching clicklogs/ for complete drops" : "") + ". Press Ctrl+C to stop.");
        await app.WaitForShutdownAsync(cancellationToken);
        return ExitCodes.Success;
    }
}
