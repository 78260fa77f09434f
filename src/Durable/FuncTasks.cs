namespace RankDistill.Durable;

/// <summary>An orchestrator written as a function (registered with a name).</summary>
internal sealed class FuncOrchestrator<TInput, TOutput>(Func<TaskOrchestrationContext, TInput, Task<TOutput>> run)
    : TaskOrchestrator<TInput, TOutput>
{
    public override Task<TOutput> RunAsync(TaskOrchestrationContext context, TInput input) => run(context, input);
}

/// <summary>An activity written as a function (registered with a name).</summary>
internal sealed class FuncActivity<TInput, TOutput>(Func<TaskActivityContext, TInput, Task<TOutput>> run)
    : TaskActivity<TInput, TOutput>
{
    public override Task<TOutput> RunAsync(TaskActivityContext context, TInput input) => run(context, input);
}
