using System.Globalization;
using RankDistill.Activities.Pipeline;
using RankDistill.Activities.Reporting;
using RankDistill.Workflows.Orchestrations;

namespace RankDistill.Workflows.Cli;

/// <summary>
/// What <c>demo</c> prints when the pipeline is done: the metric table of teacher, student and BM25 on the held-out
/// queries, throughput, the publish decision, the time each step took (from the run's manifest), and as the last line the one-line summary scripts parse:
/// <c>report: teacher_ndcg5=0.812 student_ndcg5=0.790 bm25_ndcg5=0.711 student_vs_teacher=0.973 student_speedup=12.3 promoted=true</c>.
/// </summary>
internal static class DemoReport
{
    /// <param name="output"></param>

    /// <param name="result"></param>
    /// <param name="reportLocation"></param>
    /// <param name="manifest"></param>    /// <param name="peakMemoryBytes">The demo process's peak resident memory (worker, dashboard and the run's steps), when known.</param>
    public static async Task WriteAsync(TextWriter output, PipelineOutput result, string? reportLocation, RunManifest? manifest = null, long? peakMemoryBytes = null)
    {
        var metrics = result.Metrics;
        await output.WriteLineAsync();
        await output.WriteLineAsync($"Run {result.RunId}: {metrics.TestQueries} held-out labelled queries");
        var table = new TextTable("RANKER", "NDCG@1", "NDCG@3", "NDCG@5", "NDCG@10", "PNR", "MRR@10", "DOCS/S");
        table.Add(Row("teacher (LLM)", metrics.Teacher, metrics.TeacherDocsPerSecond));
        table.Add(Row("student (BERT)", metrics.Student, metrics.StudentDocsPerSecond));
        table.Add(Row("BM25", metrics.Bm25, null));
        await table.WriteAsync(output, "  ");
        var served = metrics.StudentRuntime is { } runtime ? $" (served by {StudentRuntimes.DisplayName(runtime)}, the faster of its two runtimes)" : "";
        await output.WriteLineAsync($"  student/teacher NDCG@5 {F3(metrics.StudentVsTeacher)}, student scores {F1(metrics.StudentSpeedup)}x faster{served}");
        await output.WriteLineAsync($"  {(result.Promoted ? "promoted" : "not promoted")}: {result.Reason}");
        if (manifest is { Steps.Count: > 0 })
            await output.WriteLineAsync($"  {StepTimes(manifest)}");
        if (peakMemoryBytes is { } peak)
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"  peak memory: {peak / (1024 * 1024)} MiB resident (this process)"));
        if (reportLocation is not null)
            await output.WriteLineAsync($"  full report: {reportLocation}");
        await output.WriteLineAsync(SummaryLine(result));
    }

    /// <summary>The last line, exactly: ndcg and ratio with 3 decimals, speedup with 1, promoted true|false.</summary>
    public static string SummaryLine(PipelineOutput result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var m = result.Metrics;
        return $"report: teacher_ndcg5={F3(m.Teacher.Ndcg5)} student_ndcg5={F3(m.Student.Ndcg5)} bm25_ndcg5={F3(m.Bm25.Ndcg5)} "
            + $"student_vs_teacher={F3(m.StudentVsTeacher)} student_speedup={F1(m.StudentSpeedup)} promoted={(result.Promoted ? "true" : "false")}";
    }

    /// <summary><c>step times: prepare 8 s, cpt 57 s, sft 2 min 11 s, …; pipeline 8 min 3 s</c>, in orchestration time.</summary>
    public static string StepTimes(RunManifest manifest)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        var steps = string.Join(", ", manifest.Steps.Select(s => $"{s.Stage} {Duration(s.CompletedAt - s.StartedAt)}"));
        var total = (manifest.CompletedAt ?? manifest.Steps[^1].CompletedAt) - manifest.StartedAt;
        return $"step times: {steps}; pipeline {Duration(total)}";
    }

    private static string Duration(TimeSpan time)
    {
        var seconds = (long)Math.Round(time.TotalSeconds);
        return seconds < 60 ? $"{seconds} s" : $"{seconds / 60} min {seconds % 60} s";
    }

    private static string?[] Row(string name, RankerMetrics m, double? docsPerSecond) =>
        [name, F3(m.Ndcg1), F3(m.Ndcg3), F3(m.Ndcg5), F3(m.Ndcg10), F3(m.Pnr), F3(m.Mrr10), docsPerSecond is { } d ? d.ToString("F0", CultureInfo.InvariantCulture) : "-"];

    private static string F3(double value) => value.ToString("F3", CultureInfo.InvariantCulture);

    private static string F1(double value) => value.ToString("F1", CultureInfo.InvariantCulture);
}
