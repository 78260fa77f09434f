namespace RankDistill.Durable;

/// <summary>
/// An activity: one unit of real work (I/O, training, scoring), run at least once per call and
/// retried by the caller's <see cref="RetryPolicy"/>. Activities are resolved from the
/// dependency injection container in a fresh scope for every execution.
/// </summary>
public abstract class TaskActivity<TInput, TOutput> : ITaskActivity
{
    public abstract Task<TOutput> RunAsync(TaskActivityContext context, TInput input);

    Type ITaskActivity.InputType => typeof(TInput);

    async Task<object?> ITaskActivity.RunAsync(TaskActivityContext context, object? input) =>
        await RunAsync(context, (TInput)input!);
}

/// <summary>The untyped view of an activity that the engine runs; derive from <see cref="TaskActivity{TInput, TOutput}"/> instead of implementing it.</summary>
public interface ITaskActivity
{
    Type InputType { get; }

    Task<object?> RunAsync(TaskActivityContext context, object? input);
}
