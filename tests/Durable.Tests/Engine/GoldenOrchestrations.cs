namespace RankDistill.Durable.Tests.Engine;

/// <summary>The orchestration whose recorded history is kept in Golden/pipeline.json: every kind
/// of call (activities on two queues with a retry, fan-out, timer, event with timeout,
/// sub-orchestration, custom status, GUID). Changing its calls breaks the golden replay test, as
/// it would break running instances.</summary>
[TaskName("GoldenPipeline")]
public sealed class GoldenPipeline : TaskOrchestrator<string, string>
{
    public override async Task<string> RunAsync(TaskOrchestrationContext context, string input)
    {
        var prepared = await context.CallActivityAsync<string>("Prepare", input);
        var scores = await ScoreAsync(context);
        await context.CreateTimer(TimeSpan.FromMilliseconds(50));
        var approved = await context.WaitForExternalEvent<bool>("approve", TimeSpan.FromMinutes(5));
        var child = await context.CallSubOrchestratorAsync<string>("GoldenChild", prepared);
        context.SetCustomStatus(new { stage = "done" });
        return $"{prepared}|{scores}|{approved}|{child}|{context.NewGuid()}";
    }

    internal static async Task<int> ScoreAsync(TaskOrchestrationContext context)
    {
        var options = new TaskOptions { Queue = "gpu", Retry = new RetryPolicy(3, TimeSpan.FromMilliseconds(20)) };
        var shards = await Task.WhenAll(Enumerable.Range(0, 3).Select(i => context.CallActivityAsync<int>("Score", i, options)));
        return shards.Sum();
    }
}

/// <summary>The same pipeline after an incompatible edit: it scores before preparing.</summary>
[TaskName("GoldenPipeline")]
public sealed class GoldenPipelineReordered : TaskOrchestrator<string, string>
{
    public override async Task<string> RunAsync(TaskOrchestrationContext context, string input)
    {
        var scores = await GoldenPipeline.ScoreAsync(context);
        var prepared = await context.CallActivityAsync<string>("Prepare", input);
        return $"{prepared}|{scores}";
    }
}

[TaskName("GoldenChild")]
public sealed class GoldenChild : TaskOrchestrator<string, string>
{
    public override Task<string> RunAsync(TaskOrchestrationContext context, string input) =>
        context.CallActivityAsync<string>("Prepare", "child-" + input);
}
