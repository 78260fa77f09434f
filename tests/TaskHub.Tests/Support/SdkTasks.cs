using Microsoft.DurableTask;
using RankDistill.TaskHub.Hosting;

namespace RankDistill.TaskHub.Tests.Support;

/// <summary>
/// The Microsoft.DurableTask tasks of the SDK-level conformance suite (orchestrators in SdkOrchestrators.cs, activities in
/// SdkActivities.cs), registered as the product registers its own, and their typed calls.
/// </summary>
public static class SdkTasks
{
    public static TaskHubBuilder AddTo(TaskHubBuilder taskHub)
    {
        ArgumentNullException.ThrowIfNull(taskHub);
        return taskHub
            .AddTasks(TaskQueues.Default, r => r
                .AddOrchestrator<Welcome>()
                .AddOrchestrator<AwaitApproval>()
                .AddOrchestrator<ApprovalParent>()
                .AddOrchestrator<Throws>()
                .AddOrchestrator<RetriesFlaky>()
                .AddOrchestrator<RejectsBadInput>()
                .AddOrchestrator<PrepareThenFinish>()
                .AddOrchestrator<PrepareParent>()
                .AddOrchestrator<CpuThenGpu>()
                .AddOrchestrator<GpuFailureSeen>()
                .AddOrchestrator<GpuThenFinish>()
                .AddOrchestrator<GpuCallShiftsAfterRepair>()
                .AddActivity<Salute>()
                .AddActivity<Shout>()
                .AddActivity<FailsTimes>()
                .AddActivity<Validate>()
                .AddActivity<Prepare>()
                .AddActivity<Finish>()
                .AddActivity<WhereAmI>())
            .AddTasks(TaskQueues.Gpu, r => r
                .AddActivity<GpuWhereAmI>()
                .AddActivity<GpuRejects>()
                .AddActivity<GpuTrain>());
    }

    public static Task<string> CallSaluteAsync(this TaskOrchestrationContext context, string name) =>
        context.CallActivityAsync<string>(nameof(Salute), name);

    public static Task<string> CallShoutAsync(this TaskOrchestrationContext context, string text) =>
        context.CallActivityAsync<string>(nameof(Shout), text);

    public static Task<string> CallFailsTimesAsync(this TaskOrchestrationContext context, FlakyCall call, TaskOptions options) =>
        context.CallActivityAsync<string>(nameof(FailsTimes), call, options);

    public static Task<string> CallValidateAsync(this TaskOrchestrationContext context, string key, TaskOptions options) =>
        context.CallActivityAsync<string>(nameof(Validate), key, options);

    public static Task<string> CallPrepareAsync(this TaskOrchestrationContext context, string key, TaskOptions options) =>
        context.CallActivityAsync<string>(nameof(Prepare), key, options);

    public static Task<string> CallFinishAsync(this TaskOrchestrationContext context, string key) =>
        context.CallActivityAsync<string>(nameof(Finish), key);

    public static Task<string> CallWhereAmIAsync(this TaskOrchestrationContext context) =>
        context.CallActivityAsync<string>(nameof(WhereAmI));

    public static Task<string> CallGpuWhereAmIAsync(this TaskOrchestrationContext context) =>
        context.CallActivityAsync<string>(nameof(GpuWhereAmI));

    public static Task<string> CallGpuTrainAsync(this TaskOrchestrationContext context, string key) =>
        context.CallActivityAsync<string>(nameof(GpuTrain), key);

    public static Task<string> CallGpuRejectsAsync(this TaskOrchestrationContext context, string key) =>
        context.CallActivityAsync<string>(nameof(GpuRejects), key);
}
