using System.Globalization;
using Microsoft.DurableTask;

namespace RankDistill.TaskHub.TestWorker;

/// <summary>
/// The tasks of a glue worker process (<see cref="SdkWorker"/>), written as the product's are: Microsoft.DurableTask
/// orchestrators and activities with typed calls. Each activity writes a journal line "sdk-KIND INPUT WORKER" first.
/// </summary>
public static class SdkCrashTasks
{
    public static DurableTaskRegistry Register(DurableTaskRegistry registry) => registry
        .AddOrchestrator<StepHoldStep>()
        .AddOrchestrator<StallingFanIn>()
        .AddOrchestrator<SharedFanOut>()
        .AddActivity<JournalStep>()
        .AddActivity<SharedStep>()
        .AddActivity<JournalHold>();

    public static Task<int> CallJournalStepAsync(this TaskOrchestrationContext context, int input) =>
        context.CallActivityAsync<int>(nameof(JournalStep), input);

    public static Task<int> CallSharedStepAsync(this TaskOrchestrationContext context, int input) =>
        context.CallActivityAsync<int>(nameof(SharedStep), input);

    public static Task<int> CallJournalHoldAsync(this TaskOrchestrationContext context, int input) =>
        context.CallActivityAsync<int>(nameof(JournalHold), input);

    internal static void Write(string kind, int input) =>
        CrashWorld.Write(string.Create(CultureInfo.InvariantCulture, $"sdk-{kind} {input} {CrashWorld.WorkerName}"));
}

/// <summary>Step(1), then Hold(2) (where the first worker dies), then Step(3); returns their squares.</summary>
public sealed class StepHoldStep : TaskOrchestrator<string, int[]>
{
    public override async Task<int[]> RunAsync(TaskOrchestrationContext context, string input)
    {
        ArgumentNullException.ThrowIfNull(context);
        var one = await context.CallJournalStepAsync(1);
        var two = await context.CallJournalHoldAsync(2);
        var three = await context.CallJournalStepAsync(3);
        return [one, two, three];
    }
}

/// <summary>Steps 1..n at once; the orchestration step that sees all their results stalls in a stalling worker; then Step(100).</summary>
public sealed class StallingFanIn : TaskOrchestrator<int, int[]>
{
    public override async Task<int[]> RunAsync(TaskOrchestrationContext context, int input)
    {
        ArgumentNullException.ThrowIfNull(context);
        var results = await Task.WhenAll(Enumerable.Range(1, input).Select(context.CallJournalStepAsync));
        if (CrashWorld.StallOrchestration && !context.IsReplaying)
        {
            CrashWorld.Write($"sdk-stalled {CrashWorld.WorkerName}");
            // Blocks this orchestration step (its work item stays locked) until the test kills the process.
            Thread.Sleep(Timeout.Infinite);
        }
        var last = await context.CallJournalStepAsync(100);
        return [.. results, last];
    }
}

/// <summary>Shared steps 1..n at once; returns their squares in order.</summary>
public sealed class SharedFanOut : TaskOrchestrator<int, int[]>
{
    public override Task<int[]> RunAsync(TaskOrchestrationContext context, int input)
    {
        ArgumentNullException.ThrowIfNull(context);
        return Task.WhenAll(Enumerable.Range(1, input).Select(context.CallSharedStepAsync));
    }
}

/// <summary>Returns the square of its input.</summary>
public sealed class JournalStep : TaskActivity<int, int>
{
    public override Task<int> RunAsync(TaskActivityContext context, int input)
    {
        SdkCrashTasks.Write("step", input);
        return Task.FromResult(input * input);
    }
}

/// <summary>
/// Returns the square of its input once another worker has journaled a step too: a worker whose slots are all taken by
/// these waits for the other to take the rest of the fan-out, so sharing is a state the test reaches, not a race that a
/// fast first worker could win before the second one polls. Gives up after two minutes (then the test has failed).
/// </summary>
public sealed class SharedStep : TaskActivity<int, int>
{
    private static volatile bool _otherWorkerSeen;

    public override async Task<int> RunAsync(TaskActivityContext context, int input)
    {
        SdkCrashTasks.Write("step", input);
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(2);
        while (!_otherWorkerSeen)
        {
            _otherWorkerSeen = CrashWorld.Read(CrashWorld.Journal).Any(l => l.StartsWith("sdk-step ", StringComparison.Ordinal) && !l.EndsWith($" {CrashWorld.WorkerName}", StringComparison.Ordinal));
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"no other worker took a step beside {CrashWorld.WorkerName}");
            await Task.Delay(50);
        }
        return input * input;
    }
}

/// <summary>Returns the square of its input; never returns in a worker started with --hold-forever.</summary>
public sealed class JournalHold : TaskActivity<int, int>
{
    public override async Task<int> RunAsync(TaskActivityContext context, int input)
    {
        SdkCrashTasks.Write("hold", input);
        if (CrashWorld.HoldForever)
            await Task.Delay(Timeout.Infinite);
        return input * input;
    }
}
