namespace RankDistill.Durable;

/// <summary>What an activity knows about its execution.</summary>
public abstract class TaskActivityContext
{
    /// <summary>The activity's registered name.</summary>
    public abstract string Name { get; }

    /// <summary>The orchestration instance that called it.</summary>
    public abstract string InstanceId { get; }

    /// <summary>The call's id within the orchestration's history.</summary>
    public abstract int TaskId { get; }

    /// <summary>The attempt under the caller's retry policy: 1 for the first call.</summary>
    public abstract int Attempt { get; }

    /// <summary>How many times this attempt has been handed to a worker: more than 1 after a
    /// worker crashed or lost its lease while running it.</summary>
    public abstract int DispatchCount { get; }

    /// <summary>The queue it was routed to.</summary>
    public abstract string Queue { get; }

    /// <summary>
    /// Fires when the instance is terminated or completes without needing this result, when this
    /// worker loses its lease on the item (another worker may take it over), or when the worker
    /// stops. Long activities must observe it.
    /// </summary>
    public abstract CancellationToken CancellationToken { get; }

    /// <summary>
    /// Reports progress: keeps this worker's lease alive and stores <paramref name="details"/>
    /// (JSON-serializable, small) so that the next attempt after a crash or failure can resume
    /// from it via <see cref="GetLastHeartbeatDetails{T}"/>. Cheap: writes are batched.
    /// </summary>
    public abstract void Heartbeat(object? details = null);

    /// <summary>True when an earlier attempt or dispatch of this call left heartbeat details.</summary>
    public abstract bool HasLastHeartbeatDetails { get; }

    /// <summary>The last heartbeat details the previous attempt stored, or default when none.</summary>
    public abstract T? GetLastHeartbeatDetails<T>();
}
