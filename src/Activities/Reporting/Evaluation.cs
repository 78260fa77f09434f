using System.Text;
using Microsoft.DurableTask;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using RankDistill.Activities.Baselines;
using RankDistill.Activities.Pipeline;
using RankDistill.Activities.Storage;
using RankDistill.Models.Devices;
using RankDistill.Models.Metrics;
using RankDistill.TaskHub.Worker;
using static TorchSharp.torch;

namespace RankDistill.Activities.Reporting;

/// <summary>
/// The Evaluation step: teacher (RunLayout.Model(run, "sft")), student (RunLayout.Model(run, "distill")) and BM25
/// score the run's held-out test lists; NDCG@1/3/5/10, PNR and MRR@10 of each; teacher and student timed on the
/// same candidate documents, the student both in TorchSharp and in ONNX Runtime on the graph Publish ships (its
/// serving speed is the faster); TREC runs and qrels, report.json and report.html published together as the report set.
/// Idempotent: when a valid report exists, its stored result is returned and nothing is scored again.
/// </summary>
public sealed class Evaluation(
    IArtifactStore store,
    IOptions<DeviceOptions> deviceOptions,
    IOptions<EvaluationOptions> options,
    ActivityCancellation cancellation,
    ILogger<Evaluation> logger) : TaskActivity<StageRequest, EvaluationResult>
{
    public override async Task<EvaluationResult> RunAsync(TaskActivityContext context, StageRequest input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        var ct = cancellation.Token;
        var runId = input.RunId;
        if (await ReportSet.TryReadAsync(store, runId, ct) is { } stored)
        {
            Logs.ReportReused(logger, runId, RunLayout.ReportJson(runId));
            return stored.Result;
        }

        var settings = options.Value;
        settings.Validate();
        var device = TorchRuntime.Configure(deviceOptions.Value, logger);
        var test = await TestSet.ReadAsync(store, runId, ct);
        var maxLength = input.Settings.MaxSequenceLength;
        var bm25Scores = Bm25Ranker.ScoreLists(test.Lists).Select(s => s.Select(x => (double)x).ToArray()).ToArray();
        var candidates = await ThroughputMeter.CandidatesAsync(store, runId, test, settings.ThroughputDocuments, ct);

        using var scratch = StageScratch.Create(runId, RunLayout.Stages.Evaluation, logger, settings.WorkDirectory);
        // One model at a time, in one process: the same device and threads for both, and one set of weights in memory.
        var teacher = await ScoreAsync(RunLayout.Model(runId, RunLayout.Stages.RankFinetuning), RankerKind.Decoder, "teacher");
        var student = await ScoreAsync(RunLayout.Model(runId, RunLayout.Stages.Distillation), RankerKind.Bert, "student");
        var (studentRuntime, studentSeconds) = student.OnnxSeconds < student.Seconds
            ? (StudentRuntimes.OnnxRuntime, student.OnnxSeconds)
            : (StudentRuntimes.TorchSharp, student.Seconds);

        var teacherReport = RankingMetrics.Evaluate(test.Ranked(teacher.Scores));
        var studentReport = RankingMetrics.Evaluate(test.Ranked(student.Scores));
        var bm25Report = RankingMetrics.Evaluate(test.Ranked(bm25Scores));
        if (teacherReport.EvaluatedQueries == 0)
            throw new InvalidDataException($"None of the {test.Lists.Count} test queries of run '{runId}' has a document graded above 0: NDCG and MRR are undefined.");

        var teacherRate = ThroughputMeter.Rate(candidates.Count, teacher.Seconds);
        var studentRate = ThroughputMeter.Rate(candidates.Count, studentSeconds);
        var result = new EvaluationResult(
            ToMetrics(teacherReport), ToMetrics(studentReport), ToMetrics(bm25Report),
            test.Lists.Count, teacherRate, studentRate, RunLayout.ReportJson(runId), studentRuntime);
        var report = new EvaluationReport
        {
            RunId = runId,
            TestQueries = teacherReport.Queries,
            EvaluatedQueries = teacherReport.EvaluatedQueries,
            SkippedQueries = teacherReport.SkippedQueries,
            TestDocuments = test.Documents,
            Teacher = teacherReport,
            Student = studentReport,
            Bm25 = bm25Report,
            Throughput = new ThroughputReport(
                candidates.Count, Math.Min(settings.WarmupDocuments, candidates.Count), settings.TimedPasses, device.ToString(),
                get_num_threads(), maxLength, teacher.Seconds, studentSeconds, teacherRate, studentRate, result.StudentSpeedup,
                studentRuntime, student.Seconds, student.OnnxSeconds,
                ThroughputMeter.Rate(candidates.Count, student.Seconds), ThroughputMeter.Rate(candidates.Count, student.OnnxSeconds)),
            LossCurves = await LossCurves.ReadAsync(store, runId, ct),
            Files = new ReportFiles(ReportSet.TeacherRun, ReportSet.StudentRun, ReportSet.Bm25Run, ReportSet.Qrels),
            Result = result,
        };
        var trec = new Dictionary<string, byte[]>(StringComparer.Ordinal)
        {
            [ReportSet.TeacherRun] = Text(w => TrecRun.Write(w, test.Run(teacher.Scores), "teacher")),
            [ReportSet.StudentRun] = Text(w => TrecRun.Write(w, test.Run(student.Scores), "student")),
            [ReportSet.Bm25Run] = Text(w => TrecRun.Write(w, test.Run(bm25Scores), "bm25")),
            [ReportSet.Qrels] = Text(w => TrecQrels.Write(w, test.Qrels())),
        };
        await ReportSet.PublishAsync(store, report, trec, ct);
        Logs.Evaluated(logger, runId, teacherReport.Ndcg5, studentReport.Ndcg5, bm25Report.Ndcg5, teacherReport.SkippedQueries, teacherReport.Queries, RunLayout.ReportJson(runId));
        return result;

        // The test lists' scores, and the seconds of the fastest timed pass over the candidates (the student's also in
        // ONNX Runtime, on the same encoded candidates; infinite for the teacher, which has no graph).
        async Task<(double[][] Scores, double Seconds, double OnnxSeconds)> ScoreAsync(string prefix, RankerKind kind, string name)
        {
            using var ranker = await LoadedRanker.LoadAsync(store, prefix, kind, scratch.Path, device, ct);
            Logs.Scoring(logger, runId, test.Lists.Count, test.Documents, name);
            var scores = ranker.ScoreLists(test.Lists, maxLength, null, ct);
            var inputs = ranker.Encode(candidates, maxLength);
            var seconds = ThroughputMeter.Measure(x => ranker.Score(x, ct), inputs, settings.WarmupDocuments, settings.TimedPasses);
            Logs.Throughput(logger, runId, name, candidates.Count, seconds, ThroughputMeter.Rate(candidates.Count, seconds));
            if (kind != RankerKind.Bert)
                return (scores, seconds, double.PositiveInfinity);
            using var onnx = ranker.ServeWithOnnxRuntime(Path.Combine(scratch.Path, "student.onnx"));
            var onnxSeconds = ThroughputMeter.Measure(x => onnx.Score(x, ct), inputs, settings.WarmupDocuments, settings.TimedPasses);
            Logs.Throughput(logger, runId, name + " (ONNX Runtime)", candidates.Count, onnxSeconds, ThroughputMeter.Rate(candidates.Count, onnxSeconds));
            return (scores, seconds, onnxSeconds);
        }
    }

    internal static RankerMetrics ToMetrics(RankingReport report) =>
        new(report.Ndcg1, report.Ndcg3, report.Ndcg5, report.Ndcg10, report.Pnr, report.Mrr10);

    private static byte[] Text(Action<TextWriter> write)
    {
        using var writer = new StringWriter();
        write(writer);
        return Encoding.UTF8.GetBytes(writer.ToString());
    }
}
