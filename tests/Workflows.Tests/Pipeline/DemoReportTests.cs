using RankDistill.Activities.Pipeline;
using RankDistill.Activities.Reporting;
using RankDistill.Workflows.Cli;
using RankDistill.Workflows.Orchestrations;

namespace RankDistill.Workflows.Tests.Pipeline;

/// <summary>The demo's last line, which scripts parse: exactly its format; the time of each step above it.</summary>
public sealed class DemoReportTests
{
    [Fact]
    public async Task WriteAsync_Result_EndsWithTheSummaryLineInItsExactFormat()
    {
        var metrics = new EvaluationResult(
            new RankerMetrics(0.7, 0.75, 0.81249, 0.85, 3.2, 0.8), new RankerMetrics(0.68, 0.74, 0.79, 0.84, 3.1, 0.79),
            new RankerMetrics(0.5, 0.6, 0.7114, 0.72, 1.9, 0.6), 50, TeacherDocsPerSecond: 100, StudentDocsPerSecond: 1234, "runs/r/report/report.json");
        var output = new StringWriter();

        await DemoReport.WriteAsync(output, new PipelineOutput("r", true, "passes", metrics), null);

        var lines = output.ToString().TrimEnd().Split(Environment.NewLine);
        Assert.Equal("report: teacher_ndcg5=0.812 student_ndcg5=0.790 bm25_ndcg5=0.711 student_vs_teacher=0.972 student_speedup=12.3 promoted=true", lines[^1]);
        Assert.Contains(lines, l => l.TrimStart().StartsWith("student (BERT)", StringComparison.Ordinal) && l.Contains("0.790", StringComparison.Ordinal));
    }

    [Fact]
    public async Task WriteAsync_StudentServedByOnnxRuntime_NamesTheRuntimeAndKeepsTheSummaryLine()
    {
        var metrics = new EvaluationResult(
            new RankerMetrics(0.7, 0.75, 0.81249, 0.85, 3.2, 0.8), new RankerMetrics(0.68, 0.74, 0.79, 0.84, 3.1, 0.79),
            new RankerMetrics(0.5, 0.6, 0.7114, 0.72, 1.9, 0.6), 50, TeacherDocsPerSecond: 100, StudentDocsPerSecond: 1234, "runs/r/report/report.json",
            StudentRuntimes.OnnxRuntime);
        var output = new StringWriter();

        await DemoReport.WriteAsync(output, new PipelineOutput("r", false, "below the gate", metrics), null);

        var lines = output.ToString().TrimEnd().Split(Environment.NewLine);
        Assert.Contains(lines, l => l.Contains("student scores 12.3x faster (served by ONNX Runtime, the faster of its two runtimes)", StringComparison.Ordinal));
        Assert.Equal("report: teacher_ndcg5=0.812 student_ndcg5=0.790 bm25_ndcg5=0.711 student_vs_teacher=0.972 student_speedup=12.3 promoted=false", lines[^1]);
    }

    [Fact]
    public async Task WriteAsync_WithManifest_PrintsEachStepsTimeAboveTheUnchangedSummaryLine()
    {
        var metrics = new EvaluationResult(
            new RankerMetrics(0.7, 0.75, 0.8, 0.85, 3.2, 0.8), new RankerMetrics(0.68, 0.74, 0.79, 0.84, 3.1, 0.79),
            new RankerMetrics(0.5, 0.6, 0.7, 0.72, 1.9, 0.6), 50, TeacherDocsPerSecond: 100, StudentDocsPerSecond: 1000, "runs/r/report/report.json");
        var start = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        ManifestStep Step(string stage, int from, int to) => new(stage, stage, start.AddSeconds(from), start.AddSeconds(to), new Dictionary<string, string>(), new Dictionary<string, double>());
        var manifest = new RunManifest
        {
            RunId = "r",
            DropId = "d",
            Settings = PipelineSettings.Tiny,
            StartedAt = start,
            CompletedAt = start.AddSeconds(140),
            Steps = [Step("prepare", 0, 8), Step("cpt", 8, 74), Step("publish", 139, 140)],
        };
        var output = new StringWriter();

        await DemoReport.WriteAsync(output, new PipelineOutput("r", true, "passes", metrics), null, manifest, peakMemoryBytes: 1_161_000_000);

        var lines = output.ToString().TrimEnd().Split(Environment.NewLine);
        Assert.Equal("  step times: prepare 8 s, cpt 1 min 6 s, publish 1 s; pipeline 2 min 20 s", lines[^3]);
        Assert.Equal("  peak memory: 1107 MiB resident (this process)", lines[^2]);
        Assert.Equal(DemoReport.SummaryLine(new PipelineOutput("r", true, "passes", metrics)), lines[^1]);
    }
}
