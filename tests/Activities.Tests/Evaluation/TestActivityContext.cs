using Microsoft.DurableTask;

namespace RankDistill.Activities.Tests.Evaluation;

/// <summary>The context the SDK passes an activity, for calling one directly.</summary>
internal sealed class TestActivityContext(string name) : TaskActivityContext
{
    public override TaskName Name => name;

    public override string InstanceId => "pipeline-test";
}
