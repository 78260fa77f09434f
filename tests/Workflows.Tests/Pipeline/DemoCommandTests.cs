using System.Net;
using System.Net.Sockets;
using RankDistill.Activities.Pipeline;
using RankDistill.Activities.Storage;
using RankDistill.Workflows.Dashboard;
using RankDistill.Workflows.Orchestrations;
using RankDistill.Workflows.Tests.Demo;

namespace RankDistill.Workflows.Tests.Pipeline;

/// <summary>
/// The README's first command, <c>demo</c>, as a real child process: on the quick world with the Tiny preset (seconds of
/// training; the numbers mean nothing), the way a user runs it.
/// </summary>
public sealed class DemoCommandTests
{
    [Fact]
    public async Task Demo_UsualDashboardPortTaken_ServesElsewhereRunsToTheReportAndReprintsItWhenRunAgain()
    {
        using var data = new TemporaryFolder();
        // Another demo or a serve holds the usual port: the demo must still start, on another one.
        using var holder = TryHold(new Uri(DashboardOptions.DefaultUrl).Port);

        var first = await RunDemoAsync(data.Path);

        Assert.Matches(@"Dashboard: http://127\.0\.0\.1:\d+/", first);
        Assert.DoesNotContain($"Dashboard: {DashboardOptions.DefaultUrl}/", first, StringComparison.Ordinal);
        // Falling back to another port is no failure of the demo's: no log line says "fail".
        Assert.DoesNotContain("fail:", first, StringComparison.Ordinal);
        Assert.Contains("Started pipeline-demo-quick-42", first, StringComparison.Ordinal);
        var report = LastLine(first);
        Assert.Matches(@"^report: teacher_ndcg5=\d\.\d{3} student_ndcg5=\d\.\d{3} bm25_ndcg5=\d\.\d{3} student_vs_teacher=\d+\.\d{3} student_speedup=\d+\.\d promoted=(true|false)$", report);

        // The same data folder again: the finished run is found and its report printed, nothing is trained.
        var second = await RunDemoAsync(data.Path);

        Assert.Contains("Found pipeline-demo-quick-42 (Completed): reporting it", second, StringComparison.Ordinal);
        Assert.DoesNotContain("cpt: step", second, StringComparison.Ordinal);
        Assert.Equal(report, LastLine(second));
    }

    [Fact]
    public async Task Demo_KilledDuringCpt_TheSameCommandResumesTheRunFromCptsCheckpoint()
    {
        using var data = new TemporaryFolder();
        const string runId = "pipeline-demo-quick-42";
        // A longer CPT, checkpointed often: the kill lands after a checkpoint and well before CPT ends.
        string[] args = ["demo", "--quick", "--data", data.Path, "--Pipeline:Preset=Tiny", "--Torch:Device=cpu", "--Torch:Threads=1",
            "--Pipeline:ContinuedPretraining:Steps=150", "--Pipeline:ContinuedPretraining:CheckpointEvery=10"];
        var store = new LocalArtifactStore(Path.Combine(data.Path, "store"));
        var checkpoints = new ArtifactCheckpointStore(store, RunLayout.Checkpoints(runId, RunLayout.Stages.ContinuedPretraining));
        long checkpointAtKill;
        using (var crashed = HostProcess.Start(data.Path, args))
        {
            await crashed.WaitUntilAsync(async () => (await checkpoints.ListStepsAsync(TestContext.Current.CancellationToken)).Count > 0,
                "CPT's first checkpoint", TimeSpan.FromMinutes(4));
            crashed.Kill();
            checkpointAtKill = (await checkpoints.ListStepsAsync(TestContext.Current.CancellationToken)).Max();
        }
        Assert.Null(await store.OpenSetAsync(RunLayout.Model(runId, RunLayout.Stages.ContinuedPretraining), TestContext.Current.CancellationToken));

        using var resumed = HostProcess.Start(data.Path, args);
        var exit = await resumed.WaitForExitAsync(TimeSpan.FromMinutes(4));

        Assert.True(exit == 0, $"the resumed demo exited with {exit}:\n{resumed.Output}");
        Assert.Contains($"Found {runId} (Running): resuming it", resumed.Output, StringComparison.Ordinal);
        Assert.Matches(@"^report: teacher_ndcg5=\d\.\d{3} ", LastLine(resumed.Output));
        // The killed process's CPT was taken over, not failed and retried, and went on from its checkpoint.
        var manifest = (await WriteRunManifest.ReadAsync(store, runId, TestContext.Current.CancellationToken))!;
        var cpt = manifest.Steps.Single(s => s.Stage == RunLayout.Stages.ContinuedPretraining);
        Assert.InRange(cpt.Metrics["resumed_from_step"], checkpointAtKill, 149);
        await using var hub = await PipelineTestHost.StartAsync(data.Path, worker: false);
        var history = await PipelineHistory.ReadAsync(hub.Client, runId);
        Assert.Equal((1, 1), (history.Attempts("PrepareData"), history.Attempts("ContinuedPretraining")));
    }

    private static async Task<string> RunDemoAsync(string data)
    {
        using var demo = HostProcess.Start(data, "demo", "--quick", "--data", data, "--Pipeline:Preset=Tiny", "--Torch:Device=cpu", QuickWorldShards.Setting);
        var exit = await demo.WaitForExitAsync(TimeSpan.FromMinutes(4));
        Assert.True(exit == 0, $"demo exited with {exit}:\n{demo.Output}");
        return demo.Output;
    }

    private static string LastLine(string output) => output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)[^1];

    /// <summary>Listens on the port when it is free; when something else already holds it, the test's condition holds anyway.</summary>
    private static TcpListener? TryHold(int port)
    {
        var listener = new TcpListener(IPAddress.Loopback, port);
        try
        {
            listener.Start();
            return listener;
        }
        catch (SocketException)
        {
            listener.Dispose();
            return null;
        }
    }
}
