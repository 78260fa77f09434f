using System.Globalization;
using DurableTask.Core;

namespace RankDistill.TaskHub.Tests.Support;

public sealed class SayHello : TaskActivity<string, string>
{
    protected override string Execute(TaskContext context, string input) => $"Hello, {input}!";
}

public sealed class Square : TaskActivity<int, int>
{
    protected override int Execute(TaskContext context, int input) => input * input;
}

public sealed class Increment : TaskActivity<int, int>
{
    protected override int Execute(TaskContext context, int input) => input + 1;
}

/// <summary>Fails the first time it runs for a key, succeeds after: the failure a rewind undoes.</summary>
public sealed class FailsOnce : TaskActivity<string, string>
{
    protected override string Execute(TaskContext context, string input)
    {
        var first = ExecutionLog.Entries(input).Count == 0;
        ExecutionLog.Record(input, "FailsOnce", "any");
        return first ? throw new InvalidOperationException($"first attempt for {input} fails") : $"ok {input}";
    }
}

/// <summary>Records which worker ran it (input "key/item"), after an optional pause (input "key/item/ms").</summary>
public sealed class Recorder(string worker) : AsyncTaskActivity<string, string>
{
    protected override async Task<string> ExecuteAsync(TaskContext context, string input)
    {
        var parts = input.Split('/');
        ExecutionLog.Record(parts[0], parts[1], worker);
        if (parts.Length > 2)
            await Task.Delay(int.Parse(parts[2], CultureInfo.InvariantCulture));
        return worker;
    }
}
