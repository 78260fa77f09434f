using System.Collections.Concurrent;
using Microsoft.DurableTask;

namespace RankDistill.TaskHub.Tests.Support;

public sealed class Salute : TaskActivity<string, string>
{
    public override Task<string> RunAsync(TaskActivityContext context, string input) => Task.FromResult($"Hello, {input}!");
}

public sealed class Shout : TaskActivity<string, string>
{
    public override Task<string> RunAsync(TaskActivityContext context, string input) => Task.FromResult(input.ToUpperInvariant());
}

/// <summary>A call of <see cref="FailsTimes"/>: its attempts are recorded under <paramref name="Key"/>; the first <paramref name="Failures"/> fail.</summary>
public sealed record FlakyCall(string Key, int Failures);

public sealed class FailsTimes : TaskActivity<FlakyCall, string>
{
    public override Task<string> RunAsync(TaskActivityContext context, FlakyCall input)
    {
        ArgumentNullException.ThrowIfNull(input);
        ExecutionLog.Record(input.Key, "attempt", "any");
        var attempt = ExecutionLog.Entries(input.Key).Count;
        return attempt <= input.Failures
            ? throw new TimeoutException($"attempt {attempt} for {input.Key} timed out")
            : Task.FromResult($"ok after {attempt} attempts");
    }
}

/// <summary>Records its attempt under its input and refuses it as bad input.</summary>
public sealed class Validate : TaskActivity<string, string>
{
    public override Task<string> RunAsync(TaskActivityContext context, string input)
    {
        ExecutionLog.Record(input, "validate", "any");
        throw new InvalidDataException($"{input} is not valid input");
    }
}

/// <summary>
/// An idempotent step: every call is recorded under "KEY-prepare" and the first fails (a transient error); its work is
/// done once and marked under "KEY-prepared", and a call that finds the mark does nothing again.
/// </summary>
public sealed class Prepare : TaskActivity<string, string>
{
    public override Task<string> RunAsync(TaskActivityContext context, string input)
    {
        ExecutionLog.Record($"{input}-prepare", "call", "any");
        if (ExecutionLog.Entries($"{input}-prepare").Count == 1)
            throw new TimeoutException($"the first attempt to prepare {input} timed out");
        if (ExecutionLog.Entries($"{input}-prepared").Count == 0)
            ExecutionLog.Record($"{input}-prepared", "work", "any");
        return Task.FromResult("prepared");
    }
}

/// <summary>Records every call under "KEY-finish"; fails until the key is repaired.</summary>
public sealed class Finish : TaskActivity<string, string>
{
    private static readonly ConcurrentDictionary<string, bool> _repaired = new(StringComparer.Ordinal);

    public static void Repair(string key) => _repaired[key] = true;

    public override Task<string> RunAsync(TaskActivityContext context, string input)
    {
        ExecutionLog.Record($"{input}-finish", "call", "any");
        return _repaired.ContainsKey(input) ? Task.FromResult("finished") : throw new InvalidOperationException($"{input} is broken");
    }
}

/// <summary>The host that ran it (a default-queue activity).</summary>
public sealed class WhereAmI(HostIdentity host) : TaskActivity<string?, string>
{
    public override Task<string> RunAsync(TaskActivityContext context, string? input) => Task.FromResult(host.Name);
}

/// <summary>The host that ran it (a gpu-queue activity).</summary>
public sealed class GpuWhereAmI(HostIdentity host) : TaskActivity<string?, string>
{
    public override Task<string> RunAsync(TaskActivityContext context, string? input) => Task.FromResult(host.Name);
}

/// <summary>A gpu-queue activity that refuses its input as bad.</summary>
public sealed class GpuRejects : TaskActivity<string, string>
{
    public override Task<string> RunAsync(TaskActivityContext context, string input) => throw new InvalidDataException($"{input} is not valid input for the GPU");
}

/// <summary>A gpu-queue activity that records each run under "KEY-train" and returns "trained on HOST".</summary>
public sealed class GpuTrain(HostIdentity host) : TaskActivity<string, string>
{
    public override Task<string> RunAsync(TaskActivityContext context, string input)
    {
        ExecutionLog.Record($"{input}-train", "run", host.Name);
        return Task.FromResult($"trained on {host.Name}");
    }
}
