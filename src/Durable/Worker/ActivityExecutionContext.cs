using RankDistill.Durable.Backends;

namespace RankDistill.Durable.Worker;

/// <summary>The context an activity runs with; heartbeats are kept here until the lease loop writes them.</summary>
internal sealed class ActivityExecutionContext(ActivityWorkItem item, CancellationToken cancellationToken, PayloadConverter converter, TimeProvider time)
    : TaskActivityContext
{
    private readonly Lock _gate = new();
    private string? _latest;
    private bool _dirty;

    public override string Name => item.Name;

    public override string InstanceId => item.InstanceId;

    public override int TaskId => item.TaskId;

    public override int Attempt => item.Attempt;

    public override int DispatchCount => item.DispatchCount;

    public override string Queue => item.Queue;

    public override CancellationToken CancellationToken => cancellationToken;

    /// <summary>Called after each heartbeat (wakes the lease loop).</summary>
    public Action? OnHeartbeat { get; set; }

    public DateTimeOffset LastHeartbeatAt { get; private set; } = time.GetUtcNow();

    public override void Heartbeat(object? details = null)
    {
        var json = details is null ? null : converter.Serialize(details, $"heartbeat details of activity '{item.Name}'");
        lock (_gate)
        {
            if (json is not null)
            {
                _latest = json;
                _dirty = true;
            }
            LastHeartbeatAt = time.GetUtcNow();
        }
        OnHeartbeat?.Invoke();
    }

    public override bool HasLastHeartbeatDetails => item.HeartbeatDetails is not null;

    public override T? GetLastHeartbeatDetails<T>() where T : default =>
        converter.Deserialize<T>(item.HeartbeatDetails, $"last heartbeat details of activity '{item.Name}'");

    /// <summary>The newest details: this attempt's, else the previous attempt's.</summary>
    public string? LatestDetails
    {
        get
        {
            lock (_gate)
                return _latest ?? item.HeartbeatDetails;
        }
    }

    public bool HasUnsavedDetails
    {
        get
        {
            lock (_gate)
                return _dirty;
        }
    }

    /// <summary>Takes the details to write, if any changed since the last take.</summary>
    public HeartbeatUpdate? TakeUnsaved()
    {
        lock (_gate)
        {
            if (!_dirty)
                return null;
            _dirty = false;
            return new HeartbeatUpdate(_latest);
        }
    }
}
