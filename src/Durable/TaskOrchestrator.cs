namespace RankDistill.Durable;

/// <summary>
/// An orchestration: code that calls activities, timers and sub-orchestrations and is replayed
/// from its history after every step. It must be deterministic: see <see cref="TaskOrchestrationContext"/>.
/// </summary>
/// <typeparam name="TInput">The input type, deserialized from JSON.</typeparam>
/// <typeparam name="TOutput">The output type, serialized to JSON.</typeparam>
public abstract class TaskOrchestrator<TInput, TOutput> : ITaskOrchestrator
{
    public abstract Task<TOutput> RunAsync(TaskOrchestrationContext context, TInput input);

    Type ITaskOrchestrator.InputType => typeof(TInput);

    async Task<object?> ITaskOrchestrator.RunAsync(TaskOrchestrationContext context, object? input) =>
        await RunAsync(context, (TInput)input!);
}

/// <summary>The untyped view of an orchestrator that the engine runs; derive from <see cref="TaskOrchestrator{TInput, TOutput}"/> instead of implementing it.</summary>
public interface ITaskOrchestrator
{
    Type InputType { get; }

    Task<object?> RunAsync(TaskOrchestrationContext context, object? input);
}
