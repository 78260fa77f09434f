using System.Diagnostics;
using System.Globalization;

namespace RankDistill.Bench;

/// <summary>
/// Warm-up until the JIT is quiet. DurableTask.Core, the SDK, Newtonsoft and the providers are compiled tier by tier
/// (quick, instrumented, optimised) while they run; on these 2 busy cores that takes tens of seconds of the JIT's own
/// threads (measured: about 20 s of compiling over the engine benchmark's first 35 s at load 28), and a figure taken
/// meanwhile measures the JIT. Rounds run until, in one, compiling took under <see cref="QuietShare"/> of the CPU time
/// the processes doing the work used, or <see cref="MaxRounds"/> rounds or <see cref="MaxTime"/> have passed.
/// </summary>
internal static class Warmup
{
    public const double QuietShare = 0.05;

    public const int MaxRounds = 25;

    public static readonly TimeSpan MaxTime = TimeSpan.FromMinutes(3);

    /// <param name="round">One round of the benchmark's work.</param>
    /// <param name="sample">
    /// So far, in the processes that do the work, together: time spent compiling, and CPU time (which includes it).
    /// </param>
    /// <returns>A line for the output: rounds, time, and whether the JIT went quiet.</returns>
    public static async Task<string> RunAsync(Func<Task> round, Func<(TimeSpan Jit, TimeSpan Cpu)> sample)
    {
        var clock = Stopwatch.StartNew();
        var first = sample();
        for (var i = 1; ; i++)
        {
            var before = sample();
            await round();
            var after = sample();
            var (jit, cpu) = (after.Jit - before.Jit, after.Cpu - before.Cpu);
            var quiet = jit <= cpu * QuietShare;
            if (quiet || i == MaxRounds || clock.Elapsed >= MaxTime)
            {
                return string.Create(CultureInfo.InvariantCulture,
                    $"warm-up: {i} rounds in {clock.Elapsed.TotalSeconds:F0} s, {(after.Jit - first.Jit).TotalSeconds:F1} s of JIT; " +
                    $"last round {jit.TotalMilliseconds:F0} ms of JIT in {cpu.TotalMilliseconds:F0} ms of CPU") +
                    (quiet ? "" : " (still compiling: the figures below include JIT)");
            }
        }
    }
}
