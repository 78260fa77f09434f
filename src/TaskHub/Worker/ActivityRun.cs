using DurableTask.Core;
using DurableTask.Core.Exceptions;

namespace RankDistill.TaskHub.Worker;

/// <summary>
/// One activity execution's cancellation: this worker stopping, or its calling instance found ended (checked every
/// <see cref="WatchInterval"/> once the activity has run that long, so short activities never ask). A run cancelled
/// because the worker stops is abandoned (<see cref="SessionAbortedException"/>): the hub hands it to another worker at
/// once, which resumes it (steps are idempotent, training resumes from its last checkpoint).
/// </summary>
internal sealed class ActivityRun : IDisposable
{
    public static readonly TimeSpan WatchInterval = TimeSpan.FromSeconds(5);

    private readonly CancellationTokenSource _cancel;
    private readonly CancellationToken _stopping;
    private readonly Task _watch;

    public ActivityRun(TaskHubConnection hub, OrchestrationInstance instance, CancellationToken stopping)
    {
        _stopping = stopping;
        _cancel = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        _watch = WatchAsync(hub.Client, instance.InstanceId, _cancel);
    }

    public CancellationToken Token => _cancel.Token;

    /// <summary>Runs <paramref name="work"/>; a cancellation caused by this worker stopping becomes an abandon.</summary>
    public async Task<T> RunAsync<T>(Func<CancellationToken, Task<T>> work)
    {
        try
        {
            return await work(Token);
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            throw new SessionAbortedException("This worker is stopping; the activity goes back to the task hub for another worker.");
        }
    }

    public void Dispose()
    {
        _cancel.Cancel();
        _cancel.Dispose();
    }

    private static async Task WatchAsync(IOrchestrationServiceClient hub, string instanceId, CancellationTokenSource cancel)
    {
        using var timer = new PeriodicTimer(WatchInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(cancel.Token))
            {
                if (await HasEndedAsync(hub, instanceId))
                {
                    await cancel.CancelAsync();
                    return;
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The run ended first.
        }
    }

    private static async Task<bool> HasEndedAsync(IOrchestrationServiceClient hub, string instanceId)
    {
        try
        {
            var states = await hub.GetOrchestrationStateAsync(instanceId, allExecutions: false);
            return states is not { Count: > 0 } || states[0] is not { } state
                || state.OrchestrationStatus is OrchestrationStatus.Completed or OrchestrationStatus.Failed or OrchestrationStatus.Terminated or OrchestrationStatus.Canceled;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The hub could not be read this time: the activity carries on and the next tick asks again.
            return false;
        }
    }
}
