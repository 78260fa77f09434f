using DurableTask.Core;

namespace RankDistill.TaskHub.Tests.Support;

public sealed class Greeting : TaskOrchestration<string, string>
{
    public override Task<string> RunTask(OrchestrationContext context, string input) => context.ScheduleTask<string>(typeof(SayHello), input);
}

public sealed class FanOut : TaskOrchestration<int[], int>
{
    public override Task<int[]> RunTask(OrchestrationContext context, int input) =>
        Task.WhenAll(Enumerable.Range(0, input).Select(i => context.ScheduleTask<int>(typeof(Square), i)));
}

public sealed class Chain : TaskOrchestration<int, int>
{
    public override async Task<int> RunTask(OrchestrationContext context, int input)
    {
        var value = 0;
        for (var i = 0; i < input; i++)
            value = await context.ScheduleTask<int>(typeof(Increment), value);
        return value;
    }
}

/// <summary>Waits on a durable timer <c>input</c> seconds long; returns the time it was due.</summary>
public sealed class Sleeper : TaskOrchestration<DateTime, int>
{
    public override async Task<DateTime> RunTask(OrchestrationContext context, int input)
    {
        var due = context.CurrentUtcDateTime.AddSeconds(input);
        await context.CreateTimer(due, "wake");
        return due;
    }
}

/// <summary>Waits for the external event "approve" and returns its data; reports "waiting" as its custom status.</summary>
public sealed class Approval : TaskOrchestration<string, string>
{
    private readonly TaskCompletionSource<string> _approved = new();
    private string _status = "waiting";

    public override async Task<string> RunTask(OrchestrationContext context, string input)
    {
        var data = await _approved.Task;
        _status = "approved";
        return $"{input} approved by {data}";
    }

    public override void OnEvent(OrchestrationContext context, string name, string input)
    {
        if (name == "approve")
            _approved.TrySetResult(input);
    }

    public override string OnGetStatus() => _status;
}

/// <summary>Sums a FanOut child's results.</summary>
public sealed class Parent : TaskOrchestration<int, int>
{
    public override async Task<int> RunTask(OrchestrationContext context, int input)
    {
        var squares = await context.CreateSubOrchestrationInstance<int[]>(typeof(FanOut), $"{context.OrchestrationInstance.InstanceId}-child", input);
        return squares.Sum();
    }
}

/// <summary>Adds the square of Remaining to Sum and continues as new until Remaining is 0.</summary>
public sealed class Countdown : TaskOrchestration<int, CountdownState>
{
    public override async Task<int> RunTask(OrchestrationContext context, CountdownState input)
    {
        var sum = input.Sum + await context.ScheduleTask<int>(typeof(Square), input.Remaining);
        if (input.Remaining == 0)
            return sum;
        context.ContinueAsNew(new CountdownState(input.Remaining - 1, sum));
        return -1;
    }
}

public sealed record CountdownState(int Remaining, int Sum);

/// <summary>Says hello, then runs FailsOnce (input: its key): fails the first time, completes after a rewind.</summary>
public sealed class Flaky : TaskOrchestration<string, string>
{
    public override async Task<string> RunTask(OrchestrationContext context, string input)
    {
        var hello = await context.ScheduleTask<string>(typeof(Recorder), $"{input}-hello/hello");
        var flaky = await context.ScheduleTask<string>(typeof(FailsOnce), input);
        return $"{hello} {flaky}";
    }
}

/// <summary>Runs Flaky as a sub-orchestration, so the child's failure fails the parent.</summary>
public sealed class FlakyParent : TaskOrchestration<string, string>
{
    public override async Task<string> RunTask(OrchestrationContext context, string input)
    {
        var child = await context.CreateSubOrchestrationInstance<string>(typeof(Flaky), $"{context.OrchestrationInstance.InstanceId}-child", input);
        return $"parent of {child}";
    }
}

public sealed class AlwaysFails : TaskOrchestration<string, string>
{
    public override Task<string> RunTask(OrchestrationContext context, string input) => throw new InvalidOperationException($"{input} always fails");
}

/// <summary>Runs Recorder once per item of its input ("key/item/ms" joined by '|'), all at once.</summary>
public sealed class RecordAll : TaskOrchestration<string[], string[]>
{
    public override Task<string[]> RunTask(OrchestrationContext context, string[] input) =>
        Task.WhenAll(input.Select(item => context.ScheduleTask<string>(typeof(Recorder), item)));
}
