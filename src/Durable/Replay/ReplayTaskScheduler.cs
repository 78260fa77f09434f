namespace RankDistill.Durable.Replay;

/// <summary>
/// Runs orchestration code on the executor's thread only, one continuation at a time, in the
/// order they became ready. Awaits inside orchestration code capture this scheduler (it is
/// <see cref="TaskScheduler.Current"/> there), so completing a call's task queues the code's
/// continuation here and <see cref="RunUntilIdle"/> runs it: the same events in the same order
/// always run the code the same way.
/// </summary>
internal sealed class ReplayTaskScheduler : TaskScheduler
{
    private readonly Queue<Task> _ready = new();

    public override int MaximumConcurrencyLevel => 1;

    protected override void QueueTask(Task task)
    {
        // A continuation may be queued from another thread when orchestration code awaited
        // something that is not ours (a rule violation); it then simply never runs.
        lock (_ready)
            _ready.Enqueue(task);
    }

    // Never inline: keeps the order strictly first-ready, first-run.
    protected override bool TryExecuteTaskInline(Task task, bool taskWasPreviouslyQueued) => false;

    protected override IEnumerable<Task> GetScheduledTasks()
    {
        lock (_ready)
            return [.. _ready];
    }

    /// <summary>Runs ready continuations until the code is waiting on something.</summary>
    public void RunUntilIdle()
    {
        while (true)
        {
            Task? next;
            lock (_ready)
            {
                if (!_ready.TryDequeue(out next))
                    return;
            }
            TryExecuteTask(next);
        }
    }
}
