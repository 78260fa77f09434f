using System.Globalization;
using Microsoft.DurableTask.Client;
using RankDistill.Workflows.Orchestrations;
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

    /// <summary>
    /// Bars need a terminal that can move the cursor: not redirected output, nor <c>TERM=dumb</c> (no ANSI), where
    /// Spectre's fallback would print a bar only now and then.
    /// </summary>
    public static bool IsInteractive =>
        !Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities is { Interactive: true, Ansi: true };

    /// <summary>Polls <paramref name="progress"/> until the instance is Completed, Failed or Terminated; returns the last snapshot.</summary>
    public static Task<PipelineProgress.Snapshot> FollowAsync(PipelineProgress progress, TextWriter output, CancellationToken cancellationToken) =>
        IsInteractive ? BarsAsync(progress, cancellationToken) : LinesAsync(progress, output, cancellationToken);

    private static async Task<PipelineProgress.Snapshot> BarsAsync(PipelineProgress progress, CancellationToken cancellationToken)
    {
        PipelineProgress.Snapshot last = null!;
        await AnsiConsole.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new SpinnerColumn())
            .StartAsync(async context =>
            {
                var bars = PipelineProgress.Stages.Select(s => context.AddTask(Label(s), autoStart: false, maxValue: 1)).ToList();
                var closed = new bool[bars.Count];
                while (true)
                {
                    last = await progress.ReadAsync(cancellationToken);
                    Show(bars, closed, last);
                    if (last.Instance.RuntimeStatus.IsTerminal())
                        return;
                    await Task.Delay(_poll, cancellationToken);
                }
            });
        return last;
    }

    /// <summary>
    /// Stages before the current one are done (a resumed run starts with them done), the current one moves, and a run
    /// that ended without completing leaves its current stage marked. A Spectre task is started and stopped once
    /// only (it refuses to restart a stopped one), so <paramref name="closed"/> marks the bars already finished.
    /// </summary>
    private static void Show(IReadOnlyList<ProgressTask> bars, bool[] closed, PipelineProgress.Snapshot now)
    {
        var status = now.Instance.RuntimeStatus;
        var current = status == OrchestrationRuntimeStatus.Completed ? bars.Count : PipelineProgress.Stages.ToList().IndexOf(now.Stage);
        for (var i = 0; i < bars.Count; i++)
        {
            var bar = bars[i];
            if (closed[i])
                continue;
            if (i < current)
            {
                closed[i] = true;
                Start(bar);
                bar.Value = bar.MaxValue;
                bar.Description = $"{Label(PipelineProgress.Stages[i])} done";
                bar.StopTask();
            }
            else if (i == current)
            {
                Start(bar);
                bar.Value = Math.Min(now.StageProgress, bar.MaxValue);
                var ended = status.IsTerminal();
                var note = ended ? $"[red]{Markup.Escape(status.ToString().ToLowerInvariant())}[/]" : Markup.Escape(now.Note);
                bar.Description = $"{Label(now.Stage)} {note}";
                if (ended)
                {
                    closed[i] = true;
                    bar.StopTask();
                }
            }
        }
    }

    private static void Start(ProgressTask bar)
    {
        if (!bar.IsStarted)
            bar.StartTask();
    }

    private static string Label(string stage) => Markup.Escape($"{stage,-8}");

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
