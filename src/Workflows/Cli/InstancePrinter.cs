using System.Globalization;
using RankDistill.Workflows.Dashboard.Api;
using RankDistill.Workflows.Hosting;

namespace RankDistill.Workflows.Cli;

/// <summary>
/// How <c>status</c> prints instances: a table for the list; for one instance its summary, steps (with what an open one
/// waits on) and failure. Text from the instance is printed with its control characters escaped (<see cref="Printable"/>):
/// a failure message cannot send escape sequences to the terminal.
/// </summary>
internal static class InstancePrinter
{
    private const int MaxStackLines = 12;

    public static async Task WriteListAsync(TextWriter output, InstanceList list)
    {
        if (list.Instances.Count == 0)
        {
            await output.WriteLineAsync("No instances.");
            return;
        }
        var table = new TextTable("INSTANCE", "NAME", "STATUS", "STEP", "DROP", "CREATED", "DURATION");
        foreach (var i in list.Instances)
            table.Add(i.InstanceId, i.Name, i.Status.ToString(), Step(i), i.DropId ?? "", Time(i.CreatedAt), Duration(i.DurationSeconds));
        await table.WriteAsync(output);
        if (list.ContinuationToken is not null)
            await output.WriteLineAsync($"(more: --continue {Printable.Escape(list.ContinuationToken)})");
    }

    public static async Task WriteDetailAsync(TextWriter output, InstanceDetail detail, Timeline? timeline)
    {
        var i = detail.Instance;
        await output.WriteLineAsync($"Instance  {Printable.Escape(i.InstanceId)}");
        await output.WriteLineAsync($"Name      {Printable.Escape(i.Name)}");
        await output.WriteLineAsync($"Status    {i.Status}");
        if (Step(i) is { Length: > 0 } step)
            await output.WriteLineAsync(Printable.Escape($"Step      {step}{(i.Detail is { } d ? $"  {d}" : "")}"));
        if (i.DropId is not null || i.RunId is not null)
            await output.WriteLineAsync(Printable.Escape($"Drop/run  {i.DropId ?? "-"} / {i.RunId ?? "-"}"));
        await output.WriteLineAsync($"Created   {Time(i.CreatedAt)}   updated {Time(i.LastUpdatedAt)}   duration {Duration(i.DurationSeconds)}");
        if (i.ParentInstanceId is not null)
            await output.WriteLineAsync($"Parent    {Printable.Escape(i.ParentInstanceId)}");
        if (timeline is { Steps.Count: > 0 })
        {
            await output.WriteLineAsync();
            await output.WriteLineAsync("Steps");
            // The task hub records when a step was scheduled, not when a worker took it.
            var table = new TextTable("STEP", "STATUS", "ATTEMPTS", "SCHEDULED", "DURATION", "NOTE");
            foreach (var s in timeline.Steps)
                table.Add(s.Name, s.Status, Attempts(s), Time(s.ScheduledAt), Duration(s.DurationSeconds), Note(s));
            await table.WriteAsync(output, "  ");
        }
        if (detail.Failure is { } failure)
        {
            await output.WriteLineAsync();
            await output.WriteLineAsync("Failure");
            for (var (f, depth) = (failure, 1); f is not null; (f, depth) = (f.Inner, depth + 1))
                await output.WriteLineAsync($"{new string(' ', depth * 2)}{(depth > 1 ? "caused by " : "")}{Printable.Escape($"{f.ErrorType}: {f.Message}")}");
            if (failure.Root.StackTrace is { } stack)
            {
                foreach (var line in stack.Split('\n').Take(MaxStackLines))
                    await output.WriteLineAsync($"    {Printable.Escape(line.TrimEnd())}");
            }
        }
    }

    private static string Step(InstanceSummary i) => i.CurrentStep is null
        ? ""
        : i.Progress is { } p ? $"{i.CurrentStep} {(p * 100).ToString("0", CultureInfo.InvariantCulture)}%" : i.CurrentStep;

    private static string Attempts(TimelineStep s) => s.Shards is { } shards
        ? $"{shards.Completed}/{shards.Total} shards"
        : s.Attempts.Count.ToString(CultureInfo.InvariantCulture);

    private static string Note(TimelineStep s)
    {
        var notes = new List<string>();
        if (s.RetryWaits.Count > 0)
            notes.Add($"retry waits {string.Join(", ", s.RetryWaits.Select(w => Duration(w.Seconds)))}");
        if (s.Attempts.Where(a => a.Failure is not null).Select(a => $"attempt {a.Attempt}: {a.Failure!.Root.ErrorType}: {a.Failure.Root.Message}").LastOrDefault() is { } failed)
            notes.Add(failed);
        if (s.Waiting is { } waiting)
            notes.Add(waiting);
        if (s.Shards is { } shards && (shards.Failed > 0 || shards.Retries > 0))
            notes.Add($"{shards.Failed} failed, {shards.Retries} retries");
        if (s.Bookkeeping.FirstOrDefault(b => b.Failure is not null) is { } book)
            notes.Add($"{book.Name} failed: {book.Failure!.Root.ErrorType}: {book.Failure.Root.Message}");
        return string.Join("; ", notes);
    }

    private static string Time(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    internal static string Duration(double seconds) => seconds switch
    {
        < 1 => $"{seconds.ToString("0.00", CultureInfo.InvariantCulture)}s",
        < 60 => $"{seconds.ToString("0.0", CultureInfo.InvariantCulture)}s",
        < 3600 => $"{(int)(seconds / 60)}m {(int)(seconds % 60)}s",
        _ => $"{(int)(seconds / 3600)}h {(int)(seconds % 3600 / 60)}m",
    };
}
