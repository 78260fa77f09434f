using System.Text.RegularExpressions;
using RankDistill.Activities.Pipeline;
using RankDistill.Workflows.Tests.Demo;

namespace RankDistill.Workflows.Tests.Pipeline;

/// <summary>
/// The README's first command as a person runs it: at an 80-column terminal (a pseudo-terminal), where the progress
/// bars, colours and Ctrl+C take paths that redirected output never takes. Tiny models on the quick world, CPT
/// lengthened (1,500 updates, a checkpoint every 10) so that a Ctrl+C lands inside it, one torch thread so that two processes compute the same bits.
/// </summary>
public sealed partial class DemoAtTerminalTests(DemoAtTerminalTests.UninterruptedDemo uninterrupted) : IClassFixture<DemoAtTerminalTests.UninterruptedDemo>
{
    private const string RunId = "pipeline-demo-quick-42";
    private const int CptSteps = 1500;
    private static readonly TimeSpan _demoTimeout = TimeSpan.FromMinutes(5);

    private static readonly string[] _stageLabels = ["prepare", "cpt", "sft", "labels", "mlm", "distill", "eval", "publish"];

    [Fact]
    public void Demo_AtATerminal_DrawsABarPerStageAndEndsWithTheReport()
    {
        var (exit, output, visible) = (uninterrupted.ExitCode, uninterrupted.Output, uninterrupted.Visible);

        Assert.True(exit == 0, $"demo exited with {exit}:\n{visible}");
        Assert.DoesNotContain("Exception", visible, StringComparison.Ordinal);
        // Bars redrawn in place (cursor up), in colour, every stage finally shown done.
        Assert.Matches(@"\x1b\[\d+A", output);
        Assert.Matches(@"\x1b\[38;5;\d+m", output);
        // The bars end where the report begins (its step-times line names the stages too).
        var bars = visible[..visible.LastIndexOf("step times:", StringComparison.Ordinal)];
        var finalFrame = bars[bars.LastIndexOf(_stageLabels[0] + " ", StringComparison.Ordinal)..];
        foreach (var stage in _stageLabels)
            Assert.Matches($@"(?m)^{stage}\s+done\s+━+ 100%", finalFrame);
        Assert.Matches(ReportLine(), LastLine(visible));
    }

    [Fact]
    public async Task Demo_CtrlCDuringCpt_SaysHowToResumeAndTheNextRunReachesTheSameReport()
    {
        using var data = new TemporaryFolder();
        using (var interrupted = HostProcess.StartAtTerminal(data.Path, null, DemoArgs(data.Path)))
        {
            // CPT's first checkpoint uploads its loss log: from there a resumed run continues, not restarts.
            var lossLog = Path.Combine(data.Path, "store", RunLayout.LossLog(RunId, RunLayout.Stages.ContinuedPretraining));
            await interrupted.WaitUntilAsync(() => Task.FromResult(File.Exists(lossLog)), "CPT's first checkpoint", _demoTimeout);
            interrupted.PressCtrlC();

            var exit = await interrupted.WaitForExitAsync(_demoTimeout);
            Assert.True(exit == 1, $"the interrupted demo exited with {exit}:\n{interrupted.Visible}");
            Assert.Contains("Interrupted. Run the same command again (same --data) to resume where the run stopped.", interrupted.Visible, StringComparison.Ordinal);
            Assert.DoesNotContain("Exception", interrupted.Visible, StringComparison.Ordinal);
            Assert.DoesNotContain("report:", interrupted.Visible, StringComparison.Ordinal);
            Assert.False(Directory.Exists(Path.Combine(data.Path, "store", RunLayout.Model(RunId, RunLayout.Stages.ContinuedPretraining))),
                "CPT finished before the Ctrl+C: nothing was interrupted");
        }

        using var resumed = HostProcess.StartAtTerminal(data.Path, null, DemoArgs(data.Path));
        var resumedExit = await resumed.WaitForExitAsync(_demoTimeout);

        Assert.True(resumedExit == 0, $"the resumed demo exited with {resumedExit}:\n{resumed.Visible}");
        Assert.Contains($"Found {RunId} (Running): resuming it", resumed.Visible, StringComparison.Ordinal);
        Assert.Matches(@"(?m)^prepare\s+done", resumed.Visible);
        // The same numbers as the run nobody interrupted; only the measured speed-up may differ.
        Assert.Equal(WithoutSpeedup(LastLine(uninterrupted.Visible)), WithoutSpeedup(LastLine(resumed.Visible)));
    }

    [Fact]
    public async Task Demo_FailingStageAtANoColorTerminal_MarksTheStageAndPrintsTheReasonWithoutColour()
    {
        using var data = new TemporaryFolder();
        var missing = Path.Combine(data.Path, "no-such-model");
        using var demo = HostProcess.StartAtTerminal(data.Path, new Dictionary<string, string> { ["NO_COLOR"] = "1" },
            [.. DemoArgs(data.Path), $"--Pipeline:Teacher:BaseModel={missing}"]);

        // A missing base model is a bad setting: the run fails at once, not after CPT's retries.
        var exit = await demo.WaitForExitAsync(_demoTimeout);

        Assert.Equal(1, exit);
        Assert.True(Regex.IsMatch(demo.Visible, @"(?m)^cpt\s+failed\s+0%"), demo.Visible);
        Assert.Contains($"{RunId} failed in cpt: System.ArgumentException: Base model '{missing}' is neither a local folder nor a prefix in the artifact store",
            demo.Visible, StringComparison.Ordinal);
        Assert.Contains($"See `status {RunId} --data {data.Path}`", demo.Visible, StringComparison.Ordinal);
        Assert.DoesNotMatch(@"\x1b\[[0-9;]*m", demo.Output);
        Assert.Matches(@"\x1b\[\d+A", demo.Output);
    }

    [Fact]
    public async Task Demo_DumbTerminal_PrintsPlainLinesInsteadOfBars()
    {
        using var data = new TemporaryFolder();
        using var demo = HostProcess.StartAtTerminal(data.Path, new Dictionary<string, string> { ["TERM"] = "dumb" },
            "demo", "--quick", "--data", data.Path, "--Pipeline:Preset=Tiny", "--Torch:Device=cpu", QuickWorldShards.Setting);

        var exit = await demo.WaitForExitAsync(_demoTimeout);

        Assert.True(exit == 0, $"demo exited with {exit}:\n{demo.Visible}");
        Assert.False(demo.Output.Contains("\x1b[", StringComparison.Ordinal), $"escape codes at TERM=dumb:\n{demo.Output}");
        Assert.Matches(@"(?m)^\[\d\d:\d\d:\d\d\] cpt: step \d+/20", demo.Visible);
        Assert.Matches(ReportLine(), LastLine(demo.Visible));
    }

    [Fact]
    public async Task StatusAndConfig_AtATerminal_PrintTheRunAndTheSettings()
    {
        using var list = HostProcess.StartAtTerminal(uninterrupted.DataPath, null, "status", "--data", uninterrupted.DataPath);
        using var one = HostProcess.StartAtTerminal(uninterrupted.DataPath, null, "status", RunId, "--data", uninterrupted.DataPath);
        using var config = HostProcess.StartAtTerminal(uninterrupted.DataPath, null, "config", "--data", uninterrupted.DataPath);

        Assert.Equal(0, await list.WaitForExitAsync(_demoTimeout));
        Assert.Equal(0, await one.WaitForExitAsync(_demoTimeout));
        Assert.Equal(0, await config.WaitForExitAsync(_demoTimeout));
        Assert.Matches($@"(?m)^{RunId}\s+DistillationPipeline\s+Completed\s", list.Visible);
        Assert.Matches(@"(?m)^Status\s+Completed", one.Visible);
        Assert.Matches(@"(?m)^\s+Distillation\s+completed\s+1\s", one.Visible);
        Assert.Matches(@"(?m)^Data:Root\s+= " + Regex.Escape(uninterrupted.DataPath) + @"\s+\[command line\]", config.Visible);
    }

    /// <summary>The demo run once at a terminal, start to end, for the tests that read it.</summary>
    public sealed class UninterruptedDemo : IAsyncLifetime
    {
        private readonly TemporaryFolder _data = new();

        public string DataPath => _data.Path;

        public int ExitCode { get; private set; }

        public string Output { get; private set; } = "";

        public string Visible { get; private set; } = "";

        public async ValueTask InitializeAsync()
        {
            using var demo = HostProcess.StartAtTerminal(DataPath, null, DemoArgs(DataPath));
            ExitCode = await demo.WaitForExitAsync(_demoTimeout);
            (Output, Visible) = (demo.Output, demo.Visible);
        }

        public ValueTask DisposeAsync()
        {
            _data.Dispose();
            return ValueTask.CompletedTask;
        }
    }

    private static string[] DemoArgs(string data) =>
    [
        "demo", "--quick", "--data", data, "--Pipeline:Preset=Tiny", "--Torch:Device=cpu", "--Torch:Threads=1", QuickWorldShards.Setting,
        $"--Pipeline:ContinuedPretraining:Steps={CptSteps}", "--Pipeline:ContinuedPretraining:CheckpointEvery=10",
    ];

    private static string LastLine(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)[^1];

    private static string WithoutSpeedup(string reportLine) => Regex.Replace(reportLine, @" student_speedup=\S+", "");

    [GeneratedRegex(@"^report: teacher_ndcg5=\d\.\d{3} student_ndcg5=\d\.\d{3} bm25_ndcg5=\d\.\d{3} student_vs_teacher=\d+\.\d{3} student_speedup=\d+\.\d promoted=(true|false)$")]
    private static partial Regex ReportLine();

}
