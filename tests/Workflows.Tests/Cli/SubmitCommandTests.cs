using Microsoft.DurableTask.Client;
using RankDistill.Activities.Pipeline;
using RankDistill.Activities.Storage;
using RankDistill.Workflows.Tests.Demo;
using RankDistill.Workflows.Tests.Pipeline;

namespace RankDistill.Workflows.Tests.Cli;

/// <summary>
/// <c>submit &lt;drop&gt;</c> as a process on a data folder: refused while the drop has no <c>_SUCCESS</c>, scheduled
/// once it has, refused again once the drop has its run; the task hub then holds that one run.
/// </summary>
public sealed class SubmitCommandTests
{
    [Fact]
    public async Task Submit_IncompleteThenCompleteThenAgain_Exit1ThenScheduledThenExit1ForTheExistingRun()
    {
        using var data = new TemporaryFolder();
        var store = new LocalArtifactStore(Path.Combine(data.Path, "store"));
        await TinyWorld.WriteDropAsync(store, "day-1");
        var marker = "clicklogs/day-1/_SUCCESS";
        await store.DeleteAsync(marker, TestContext.Current.CancellationToken);
        string[] submit = ["submit", "day-1", "--data", data.Path, "--Pipeline:Preset=Tiny"];

        var incomplete = await HostProcess.RunAsync(data.Path, submit);
        await store.WriteAsync(marker, ReadOnlyMemory<byte>.Empty, TestContext.Current.CancellationToken);
        var scheduled = await HostProcess.RunAsync(data.Path, submit);
        var again = await HostProcess.RunAsync(data.Path, submit);

        Assert.True(incomplete is { ExitCode: 1, StdOut: "" }, incomplete.Output);
        Assert.Equal($"Drop 'day-1' is not complete: {marker} is missing in {store.Description}. A producer writes _SUCCESS last, once every file of the drop is in place.",
            incomplete.StdErr.TrimEnd());
        Assert.True(scheduled is { ExitCode: 0, StdErr: "" }, scheduled.Output);
        Assert.Equal("Scheduled pipeline-day-1 (preset Tiny); a worker serving the default and gpu queues runs it.", scheduled.StdOut.TrimEnd());
        Assert.True(again is { ExitCode: 1, StdOut: "" }, again.Output);
        Assert.Equal("Drop 'day-1' already has pipeline pipeline-day-1 (Pending); a drop runs once. See `status pipeline-day-1`; "
            + "a failed run can be continued with `rewind pipeline-day-1`.", again.StdErr.TrimEnd());

        await using var hub = await PipelineTestHost.StartAsync(data.Path, worker: false);
        var instances = await hub.Client.GetAllInstancesAsync(new OrchestrationQuery { FetchInputsAndOutputs = true }).ToListAsync(TestContext.Current.CancellationToken);
        var run = Assert.Single(instances);
        Assert.Equal(new PipelineInput("pipeline-day-1", "day-1", PipelineSettings.Tiny), run.ReadInputAs<PipelineInput>());
    }
}
