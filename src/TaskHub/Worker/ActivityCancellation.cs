namespace RankDistill.TaskHub.Worker;

/// <summary>
/// The cancellation of the activity running in this dependency-injection scope (one scope per execution): it fires
/// when this worker stops (the work item goes back to the hub for another worker) or when the orchestration instance
/// that called the activity has ended (terminated, failed or completed without waiting for it). Microsoft.DurableTask's
/// activity context carries no token, so long activities take this one in their constructor and observe it.
/// </summary>
public sealed class ActivityCancellation
{
    public CancellationToken Token { get; set; }
}
