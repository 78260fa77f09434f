using Microsoft.DurableTask.Client;
using RankDistill.Activities.Storage;
using RankDistill.TaskHub;
using RankDistill.Workflows.Tests.Demo;
using RankDistill.Workflows.Tests.Pipeline;

namespace RankDistill.Workflows.Tests.Cli;

/// <summary>
/// <c>terminate</c> and <c>rewind</c> as processes on a real pipeline: a run that failed on an empty drop is refused
/// termination, rewound once its drop is there (PrepareData then succeeds and the run goes on), refused a second
/// rewind while it runs, terminated, and refused again once terminated; an unknown id is refused naming the hub.
/// </summary>
public sealed class InstanceActionCommandTests
{
    [Fact]
    public async Task TerminateAndRewind_ThroughARunsLife_Exit0WhenTheStatusAllowsItElseExit1SayingWhy()
    {
        var ct = TestContext.Current.CancellationToken;
        using var data = new TemporaryFolder();
        const string id = "pipeline-late";
        // The default queue only: after PrepareData the run waits for a GPU worker, Running.
        await using var host = await PipelineTestHost.StartAsync(data.Path, queues: new Dictionary<string, int> { [TaskQueues.Default] = 1 });
        await host.Store.WriteAsync("clicklogs/late/_SUCCESS", ReadOnlyMemory<byte>.Empty, ct);
        Assert.Equal(OrchestrationRuntimeStatus.Failed, (await host.RunAsync("late")).RuntimeStatus);

        var terminateFailed = await RunAsync(data.Path, "terminate", id);
        await TinyWorld.WriteDropAsync(host.Store, "late");
        var rewind = await RunAsync(data.Path, "rewind", id, "--reason", "drop delivered");
        await Poll.UntilAsync(async () => (await host.GpuClient.GetAllInstancesAsync(new OrchestrationQuery { InstanceIdPrefix = id + "@" }).ToListAsync(ct)).Count > 0,
            "the rewound run past PrepareData, its CPT waiting for a GPU worker", TimeSpan.FromMinutes(2));
        var rewindRunning = await RunAsync(data.Path, "rewind", id);
        var terminate = await RunAsync(data.Path, "terminate", id, "--reason", "superseded");
        var terminated = await host.WaitAsync(id);
        var terminateAgain = await RunAsync(data.Path, "terminate", id);
        var unknown = await RunAsync(data.Path, "rewind", "pipeline-nowhere");

        Assert.Equal((1, $"Instance '{id}' is Failed; terminate is not possible (possible now: rewind, purge)."), terminateFailed);
        Assert.Equal((0, $"{id}: Rewind requested: the failed steps run again and completed ones are kept."), rewind);
        Assert.Equal((1, $"Instance '{id}' is Running; rewind is not possible (possible now: terminate, suspend, raise-event)."), rewindRunning);
        Assert.Equal((0, $"{id}: Termination requested: running steps are cancelled and the instance becomes Terminated at its next step."), terminate);
        Assert.Equal((OrchestrationRuntimeStatus.Terminated, "\"superseded\""), (terminated.RuntimeStatus, terminated.SerializedOutput));
        Assert.Equal((1, $"Instance '{id}' is Terminated; terminate is not possible (possible now: purge)."), terminateAgain);
        Assert.Equal((1, $"No orchestration instance has id 'pipeline-nowhere' in SQLite {Path.Combine(data.Path, "taskhub.db")}, task hub rankdistill."), unknown);
        // Rewound in place: the failed attempt's events are replaced by the one that succeeded.
        var history = await PipelineHistory.ReadAsync(host.Client, id);
        Assert.Equal((1, 0), (history.Attempts("PrepareData"), history.Failures("PrepareData")));
    }

    /// <summary>The exit code and the one line the command printed: stdout when it succeeded, stderr when it refused.</summary>
    private static async Task<(int ExitCode, string Line)> RunAsync(string dataRoot, params string[] args)
    {
        var run = await HostProcess.RunAsync(dataRoot, [.. args, "--data", dataRoot]);
        var (answer, silent) = run.ExitCode == 0 ? (run.StdOut, run.StdErr) : (run.StdErr, run.StdOut);
        Assert.True(silent == "", run.Output);
        return (run.ExitCode, answer.TrimEnd());
    }
}
