using RankDistill.Durable;

namespace RankDistill.Activities.Tests.Evaluation;

/// <summary>The context an activity gets from the worker, for calling an activity directly: first attempt, no stored progress.</summary>
internal sealed class TestActivityContext(string name) : TaskActivityContext
{
    public int Heartbeats { get; private set; }

    public override string Name => name;

    public override string InstanceId => "pipeline-test";

    public override int TaskId => 1;

    public override int Attempt => 1;

    public override int DispatchCount => 1;

    public override string Queue => "default";

    public override CancellationToken CancellationToken => TestContext.Current.CancellationToken;

    public override bool HasLastHeartbeatDetails => false;

    public override void Heartbeat(object? details = null) => Heartbeats++;

    public override T? GetLastHeartbeatDetails<T>() where T : default => default;
}
