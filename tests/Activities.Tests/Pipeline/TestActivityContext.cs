using RankDistill.Activities.Pipeline;
using RankDistill.Durable;

namespace RankDistill.Activities.Tests.Pipeline;

/// <summary>
/// The context an activity gets from the engine, for calling activities directly: it records heartbeats and can
/// cancel the activity, as the engine does when a lease is lost, once a heartbeat reports a given step of progress.
/// </summary>
internal sealed class TestActivityContext : TaskActivityContext, IDisposable
{
    private readonly CancellationTokenSource _cancel;
    private readonly long? _cancelAfter;

    /// <param name="cancelAfter">Cancel once a heartbeat reports this much progress (a training step); null never.</param>
    public TestActivityContext(long? cancelAfter = null)
    {
        _cancel = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        _cancelAfter = cancelAfter;
    }

    public List<StageProgress> Heartbeats { get; } = [];

    public override string Name => "test";

    public override string InstanceId => "pipeline-test";

    public override int TaskId => 1;

    public override int Attempt => 1;

    public override int DispatchCount => 1;

    public override string Queue => "gpu";

    public override CancellationToken CancellationToken => _cancel.Token;

    public override bool HasLastHeartbeatDetails => false;

    public override void Heartbeat(object? details = null)
    {
        if (details is StageProgress progress)
        {
            Heartbeats.Add(progress);
            if (progress.Done >= _cancelAfter)
                _cancel.Cancel();
        }
    }

    public override T? GetLastHeartbeatDetails<T>() where T : default => default;

    public void Dispose() => _cancel.Dispose();
}
