using System.Globalization;
using RankDistill.Durable;
using Spectre.Console;

namespace RankDistill.Workflows.Cli;

/// <summary>
/// Shows a pipeline's progress until it finishes: Spectre.Console progress bars, one per stage, on an interactive
/// terminal; plain timestamped lines otherwise (output redirected, CI), one when a stage starts and one per quarter of
/// a training stage (and one a minute while a long stage moves), so a log stays short and greppable.
/// </summary>
internal static class ProgressView
{
    private static readonly TimeSpan _poll = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan _quietLimit = TimeSpan.FromMinutes(1);

    public static bool IsInteractive => !Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities.Interactive;

    /// <summary>Polls <paramref name="progress"/> until the instance is Completed, Failed or Terminated; returns the last snapshot.</summary>
    public static Task<PipelineProgress.Snapshot> FollowAsync(PipelineProgress progress, TextWriter output, CancellationToken cancellationToken) =>
        IsInteractive ? BarsAsync(progress, cancellationToken) : LinesAsync(progress, output, cancellationToken);

    private static async Task<PipelineProgress.Snapshot> BarsAsync(PipelineProgress progress, CancellationToken cancellationToken)
    {
        PipelineProgress.Snapshot last = null!;
        await AnsiConsole.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new SpinnerColumn())
            .StartAsync(async context =>
            {
                var bars = PipelineProgress.Stages.ToDictionary(s => s, s => context.AddTask(s, autoStart: false, maxValue: 1));
                while (true)
                {
                    last = await progress.ReadAsync(cancellationToken);
                    var index = PipelineProgress.Stages.ToList().IndexOf(last.Stage);
                    var done = last.Instance.RuntimeStatus == OrchestrationRuntimeStatus.Completed;
                    for (var i = 0; i < PipelineProgress.Stages.Count; i++)
                    {
                        var bar = bars[PipelineProgress.Stages[i]];
                        if (i < index || done)
                        {
                            bar.StartTask();
                            bar.Value = 1;
                            bar.StopTask();
                        }
                        else if (i == index)
                        {
                            bar.StartTask();
                            bar.Value = last.StageProgress;
                            bar.Description = $"{last.Stage,-8} {Markup.Escape(last.Note)}";
                        }
                    }
                    if (last.Instance.RuntimeStatus.IsTerminal())
                        return;
                    await Task.Delay(_poll, cancellationToken);
                }
            });
        return last;
    }

    private static async Task<PipelineProgress.Snapshot> LinesAsync(PipelineProgress progress, TextWriter output, CancellationToken cancellationToken)
    {
        var started = DateTime.UtcNow;
        var (stage, quarter, lastLine) = ("", -1, started);
        while (true)
        {
            var now = await progress.ReadAsync(cancellationToken);
            var q = (int)Math.Floor(now.StageProgress * 4);
            // A line per stage and per quarter of it, and at least one a minute while a long stage moves.
            if (now.Stage != stage || q > quarter || (DateTime.UtcNow - lastLine > _quietLimit && now.StageProgress > 0))
            {
                var elapsed = (DateTime.UtcNow - started).ToString(@"hh\:mm\:ss", CultureInfo.InvariantCulture);
                await output.WriteLineAsync($"[{elapsed}] {now.Stage}: {now.Note}");
                (stage, quarter, lastLine) = (now.Stage, q, DateTime.UtcNow);
            }
            if (now.Instance.RuntimeStatus.IsTerminal())
                return now;
            await Task.Delay(_poll, cancellationToken);
        }
    }
}
