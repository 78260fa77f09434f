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

/// <summary>
/// Records which worker ran it (input "key/item"), after an optional pause (input "key/item/ms"), or once another worker
/// has recorded an item of the same key (input "key/item/shared"): a worker whose slots all hold such items waits for
/// the other to take the rest, so sharing work is a state the test reaches rather than a race a fast worker wins. Gives
/// up after two minutes (then the test has failed).
/// </summary>
public sealed class Recorder(string worker) : AsyncTaskActivity<string, string>
{
    protected override async Task<string> ExecuteAsync(TaskContext context, string input)
    {
        var parts = input.Split('/');
        ExecutionLog.Record(parts[0], parts[1], worker);
        if (parts is [var key, _, "shared"])
        {
            var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(2);
            while (!ExecutionLog.Entries(key).Any(e => !e.EndsWith($"@{worker}", StringComparison.Ordinal)))
            {
                if (DateTime.UtcNow > deadline)
                    throw new TimeoutException($"no other worker recorded an item of {key} beside {worker}");
                await Task.Delay(20);
            }
        }
        else if (parts.Length > 2)
        {
            await Task.Delay(int.Parse(parts[2], CultureInfo.InvariantCulture));
        }
        return worker;
    }
}
