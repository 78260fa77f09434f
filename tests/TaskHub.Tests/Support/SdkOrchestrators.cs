using Microsoft.DurableTask;

namespace RankDistill.TaskHub.Tests.Support;

/// <summary>Salute(input), then Shout(that): two activities one after the other.</summary>
public sealed class Welcome : TaskOrchestrator<string, string>
{
    public override async Task<string> RunAsync(TaskOrchestrationContext context, string input) =>
        await context.CallShoutAsync(await context.CallSaluteAsync(input));
}

/// <summary>Waits for the event <see cref="Event"/> and returns who sent it; custom status "waiting", then "approved".</summary>
public sealed class AwaitApproval : TaskOrchestrator<string, string>
{
    public const string Event = "approve";

    public override async Task<string> RunAsync(TaskOrchestrationContext context, string input)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.SetCustomStatus("waiting");
        var by = await context.WaitForExternalEvent<string>(Event);
        context.SetCustomStatus("approved");
        return $"{input} approved by {by}";
    }
}

/// <summary>Runs <see cref="AwaitApproval"/> as the sub-orchestration <see cref="ChildId"/>.</summary>
public sealed class ApprovalParent : TaskOrchestrator<string, string>
{
    public static string ChildId(string parentId) => $"{parentId}-child";

    public override Task<string> RunAsync(TaskOrchestrationContext context, string input)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.CallSubOrchestratorAsync<string>(nameof(AwaitApproval), input, new SubOrchestrationOptions { InstanceId = ChildId(context.InstanceId) });
    }
}

public sealed class Throws : TaskOrchestrator<string, string>
{
    public override Task<string> RunAsync(TaskOrchestrationContext context, string input) => throw new InvalidOperationException($"{input} always fails");
}

/// <summary>FailsTimes with <see cref="Policy"/>: three attempts, 100 ms apart.</summary>
public sealed class RetriesFlaky : TaskOrchestrator<FlakyCall, string>
{
    public static readonly RetryPolicy Policy = new(maxNumberOfAttempts: 3, firstRetryInterval: TimeSpan.FromMilliseconds(100));

    public override Task<string> RunAsync(TaskOrchestrationContext context, FlakyCall input) =>
        context.CallFailsTimesAsync(input, TaskOptions.FromRetryPolicy(Policy));
}

/// <summary>Validate with up to five attempts, except that bad input (<see cref="InvalidDataException"/>) is final.</summary>
public sealed class RejectsBadInput : TaskOrchestrator<string, string>
{
    public static readonly RetryPolicy Policy = new(maxNumberOfAttempts: 5, firstRetryInterval: TimeSpan.FromMilliseconds(100))
    {
        HandleFailure = failure => !failure.IsCausedBy<InvalidDataException>(),
    };

    public override Task<string> RunAsync(TaskOrchestrationContext context, string input) =>
        context.CallValidateAsync(input, TaskOptions.FromRetryPolicy(Policy));
}

/// <summary>
/// Prepare(key) with a retry policy (its first attempt fails), then Finish(key), which fails until the key is
/// repaired: a pipeline whose earlier step was retried and whose later step failed.
/// </summary>
public sealed class PrepareThenFinish : TaskOrchestrator<string, string>
{
    public static readonly RetryPolicy Policy = new(maxNumberOfAttempts: 3, firstRetryInterval: TimeSpan.FromMilliseconds(100));

    public override async Task<string> RunAsync(TaskOrchestrationContext context, string input)
    {
        var prepared = await context.CallPrepareAsync(input, TaskOptions.FromRetryPolicy(Policy));
        var finished = await context.CallFinishAsync(input);
        return $"{prepared} {finished}";
    }
}

/// <summary>Runs <see cref="PrepareThenFinish"/> as the sub-orchestration <see cref="ChildId"/>, as the pipeline runs its labelling.</summary>
public sealed class PrepareParent : TaskOrchestrator<string, string>
{
    public static string ChildId(string parentId) => $"{parentId}-child";

    public override async Task<string> RunAsync(TaskOrchestrationContext context, string input)
    {
        ArgumentNullException.ThrowIfNull(context);
        var child = await context.CallSubOrchestratorAsync<string>(nameof(PrepareThenFinish), input, new SubOrchestrationOptions { InstanceId = ChildId(context.InstanceId) });
        return $"parent of {child}";
    }
}

/// <summary>WhereAmI on the default queue, then GpuWhereAmI on the gpu queue: the hosts that ran them.</summary>
public sealed class CpuThenGpu : TaskOrchestrator<string, string[]>
{
    public override async Task<string[]> RunAsync(TaskOrchestrationContext context, string input) =>
        [await context.CallWhereAmIAsync(), await context.CallGpuWhereAmIAsync()];
}

/// <summary>Calls GpuRejects and returns what the failure it catches says: "ERRORTYPE IsCausedBy&lt;InvalidDataException&gt;".</summary>
public sealed class GpuFailureSeen : TaskOrchestrator<string, string>
{
    public override async Task<string> RunAsync(TaskOrchestrationContext context, string input)
    {
        try
        {
            return await context.CallGpuRejectsAsync(input);
        }
        catch (TaskFailedException e)
        {
            return $"{e.FailureDetails.ErrorType} {e.FailureDetails.IsCausedBy<InvalidDataException>()}";
        }
    }
}

/// <summary>GpuTrain(key) on the gpu queue, then Finish(key), which fails until the key is repaired.</summary>
public sealed class GpuThenFinish : TaskOrchestrator<string, string>
{
    public override async Task<string> RunAsync(TaskOrchestrationContext context, string input)
    {
        var trained = await context.CallGpuTrainAsync(input);
        var finished = await context.CallFinishAsync(input);
        return $"{trained} {finished}";
    }
}

/// <summary>
/// Its GPU call's task id holds another input after a repair: before it, Finish fails (task 0), the GPU step trains
/// "KEY-before" (task 1) and the run fails; rewound after the repair, task 1 trains "KEY-after".
/// </summary>
public sealed class GpuCallShiftsAfterRepair : TaskOrchestrator<string, string>
{
    public override async Task<string> RunAsync(TaskOrchestrationContext context, string input)
    {
        ArgumentNullException.ThrowIfNull(context);
        var repaired = true;
        try
        {
            await context.CallFinishAsync(input);
        }
        catch (TaskFailedException)
        {
            repaired = false;
        }
        var trained = await context.CallGpuTrainAsync($"{input}-{(repaired ? "after" : "before")}");
        return repaired ? trained : throw new InvalidOperationException($"{input} is not repaired yet");
    }
}
