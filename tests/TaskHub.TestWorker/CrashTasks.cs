using System.Globalization;
using System.Text;
using DurableTask.Core;

namespace RankDistill.TaskHub.TestWorker;

/// <summary>What this worker process was told: where to write its journal, its name, and where to stall.</summary>
public static class CrashWorld
{
    private static readonly Lock _journalLock = new();

    public static string Journal { get; set; } = "journal.log";

    public static string WorkerName { get; set; } = "worker";

    /// <summary>Hold never returns in this process: the test kills it during the activity.</summary>
    public static bool HoldForever { get; set; }

    /// <summary>FanIn stalls once all its results are in: the test kills it during that orchestration step.</summary>
    public static bool StallOrchestration { get; set; }

    /// <summary>
    /// One line per event, in the system's hands before returning, so a killed process's lines are all there. Processes
    /// that share a journal take turns: .NET appends by seeking to the end and writing, so two processes appending at
    /// once can overwrite each other's line. FileShare.None is an exclusive lock (flock) on Unix.
    /// </summary>
    public static void Write(string line)
    {
        var bytes = Encoding.UTF8.GetBytes(line + Environment.NewLine);
        lock (_journalLock)
        {
            WhenFree(() =>
            {
                using var file = new FileStream(Journal, FileMode.Append, FileAccess.Write, FileShare.None);
                file.Write(bytes);
                return true;
            });
        }
    }

    public static string[] Read(string journal) => WhenFree(() => File.Exists(journal) ? File.ReadAllLines(journal) : []);

    /// <summary>Accesses the journal, again while another process holds it (a sharing violation).</summary>
    private static T WhenFree<T>(Func<T> access)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return access();
            }
            catch (IOException e) when (e is not FileNotFoundException and not DirectoryNotFoundException && attempt < 2000)
            {
                Thread.Sleep(5);
            }
        }
    }
}

/// <summary>Step(1), then Hold(2) (where the first worker dies), then Step(3).</summary>
public sealed class CrashFlow : TaskOrchestration<int[], string>
{
    public override async Task<int[]> RunTask(OrchestrationContext context, string input)
    {
        var one = await context.ScheduleTask<int>(typeof(Step), 1);
        var two = await context.ScheduleTask<int>(typeof(Hold), 2);
        var three = await context.ScheduleTask<int>(typeof(Step), 3);
        return [one, two, three];
    }
}

/// <summary>Steps 1..n at once; the step that sees all their results stalls in the first worker; then one more step.</summary>
public sealed class FanIn : TaskOrchestration<int[], int>
{
    public override async Task<int[]> RunTask(OrchestrationContext context, int input)
    {
        var results = await Task.WhenAll(Enumerable.Range(1, input).Select(i => context.ScheduleTask<int>(typeof(Step), i)));
        if (CrashWorld.StallOrchestration && !context.IsReplaying)
        {
            CrashWorld.Write($"stalled {CrashWorld.WorkerName}");
            // Blocks this orchestration step (its lock is held and renewed) until the test kills the process.
            Thread.Sleep(Timeout.Infinite);
        }
        var last = await context.ScheduleTask<int>(typeof(Step), 100);
        return [.. results, last];
    }
}

public sealed class Step : TaskActivity<int, int>
{
    protected override int Execute(TaskContext context, int input)
    {
        CrashWorld.Write(string.Create(CultureInfo.InvariantCulture, $"step {input} {CrashWorld.WorkerName}"));
        return input * input;
    }
}

public sealed class Hold : AsyncTaskActivity<int, int>
{
    protected override async Task<int> ExecuteAsync(TaskContext context, int input)
    {
        CrashWorld.Write(string.Create(CultureInfo.InvariantCulture, $"hold {input} {CrashWorld.WorkerName}"));
        if (CrashWorld.HoldForever)
            await Task.Delay(Timeout.Infinite);
        return input * input;
    }
}
