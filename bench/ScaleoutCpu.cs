using System.Globalization;

namespace RankDistill.Bench;

/// <summary>
/// CPU time from /proc, to show where the machine's cores went during a run: the worker processes, the storage
/// server (Azurite: its process and any it started), and the whole machine (which also counts this benchmark
/// process and anything else running).
/// </summary>
internal static class ScaleoutCpu
{
    /// <summary>Linux reports process times in clock ticks of 1/100 s (USER_HZ) on every mainstream build.</summary>
    private const double TicksPerSecond = 100;

    public sealed record Sample(TimeSpan Workers, TimeSpan Server, TimeSpan MachineBusy, TimeSpan MachineTotal)
    {
        public static Sample operator -(Sample a, Sample b) =>
            new(a.Workers - b.Workers, a.Server - b.Server, a.MachineBusy - b.MachineBusy, a.MachineTotal - b.MachineTotal);
    }

    public static Sample Take(IEnumerable<int> workerIds, int? serverId)
    {
        var workers = workerIds.Select(ProcessTime).Aggregate(TimeSpan.Zero, (a, b) => a + b);
        var server = serverId is { } id ? ProcessTime(id) + Children(id).Select(ProcessTime).Aggregate(TimeSpan.Zero, (a, b) => a + b) : TimeSpan.Zero;
        var (busy, total) = Machine();
        return new Sample(workers, server, busy, total);
    }

    /// <summary>A process this one started whose command line contains <paramref name="word"/> (Azurite's node process).</summary>
    public static int? Child(string word) =>
        Children(Environment.ProcessId).Cast<int?>().FirstOrDefault(pid => CommandLine(pid!.Value).Contains(word, StringComparison.Ordinal));

    private static string CommandLine(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ');
        }
        catch (IOException)
        {
            return "";
        }
    }

    /// <summary>utime + stime of a live process (zero once it is gone).</summary>
    private static TimeSpan ProcessTime(int pid)
    {
        var fields = StatFields(pid);
        return fields is null ? TimeSpan.Zero : Seconds(long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture));
    }

    private static IEnumerable<int> Children(int parent) =>
        Directory.EnumerateDirectories("/proc")
            .Select(d => int.TryParse(Path.GetFileName(d), out var pid) ? pid : 0)
            .Where(pid => pid > 0 && StatFields(pid) is { } f && f[1] == parent.ToString(CultureInfo.InvariantCulture));

    /// <summary>The fields of /proc/PID/stat after the command name (field 3, the state, is index 0).</summary>
    private static string[]? StatFields(int pid)
    {
        try
        {
            var text = File.ReadAllText($"/proc/{pid}/stat");
            return text[(text.LastIndexOf(')') + 2)..].Split(' ');
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>All cores: busy time (everything but idle and I/O wait) and total time, from /proc/stat.</summary>
    private static (TimeSpan Busy, TimeSpan Total) Machine()
    {
        var cpu = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1)
            .Select(v => long.Parse(v, CultureInfo.InvariantCulture)).ToArray();
        var total = cpu.Take(8).Sum();
        return (Seconds(total - cpu[3] - cpu[4]), Seconds(total));
    }

    private static TimeSpan Seconds(long ticks) => TimeSpan.FromSeconds(ticks / TicksPerSecond);
}
