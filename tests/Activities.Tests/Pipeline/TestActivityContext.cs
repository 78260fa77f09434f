using Microsoft.DurableTask;

namespace RankDistill.Activities.Tests.Pipeline;

/// <summary>
/// An activity call made by hand on the harness's activities: the context the SDK would pass, and the cancellation the
/// worker would give. <c>interruptAfterCheckpoints</c> cancels the call once its stage has checkpointed that many times,
/// as a worker that stops mid-stage hands its step back.
/// </summary>
internal sealed class TestActivityContext : TaskActivityContext, IDisposable
{
    private readonly PipelineHarness _harness;
    private readonly CancellationTokenSource _cancel = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);

    public TestActivityContext(PipelineHarness harness, int? interruptAfterCheckpoints = null)
    {
        _harness = harness;
        harness.Cancellation.Token = _cancel.Token;
        if (interruptAfterCheckpoints is { } checkpoints)
            harness.Store.InterruptAfter(checkpoints, _cancel);
    }

    public override TaskName Name => "test";

    public override string InstanceId => "pipeline-test";

    public void Dispose()
    {
        _harness.Cancellation.Token = TestContext.Current.CancellationToken;
        _cancel.Dispose();
    }
}
