using System.Globalization;
using System.Net;
using System.Text;
using RankDistill.Models.Metrics;

namespace RankDistill.Activities.Reporting;

/// <summary>
/// report.html: one self-contained page (inline CSS, inline SVG, no script, no font or image from anywhere) that
/// opens from a blob or a file share as well as from the dashboard. Every text from data is HTML-encoded.
/// </summary>
internal static class ReportHtml
{
    private const string Style = """
        body{font-family:system-ui,sans-serif;margin:2rem auto;max-width:60rem;color:#222;padding:0 1rem}
        h1{font-size:1.5rem}h2{font-size:1.15rem;margin-top:2rem;border-bottom:1px solid #ddd}
        table{border-collapse:collapse}th,td{padding:.3rem .8rem;text-align:right;border-bottom:1px solid #eee}
        th:first-child,td:first-child{text-align:left}.meta{color:#555}
        .promoted{background:#e6f4ea;padding:.6rem 1rem}.rejected{background:#fdecea;padding:.6rem 1rem}.pending{background:#f1f3f4;padding:.6rem 1rem}
        svg{display:block;margin:.5rem 0;font-size:11px}.grid{stroke:#e3e3e3}.curve{fill:none;stroke:#1f78b4;stroke-width:1.5}
        .tick,.axis{fill:#555}.teacher{fill:#6a3d9a}.student{fill:#1f78b4}.bm25{fill:#999}
        """;

    public static byte[] Render(EvaluationReport report) => Encoding.UTF8.GetBytes(RenderText(report));

    internal static string RenderText(EvaluationReport report)
    {
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">");
        html.Append("<title>RankDistill report: ").Append(E(report.RunId)).Append("</title><style>").Append(Style).Append("</style></head><body>\n");
        html.Append("<h1>RankDistill evaluation report</h1>\n");
        html.Append(Invariant($"<p class=\"meta\">Run <code>{E(report.RunId)}</code>: {report.TestQueries} held-out test queries, {report.TestDocuments} graded documents; "));
        html.Append(Invariant($"NDCG and MRR average over the {report.EvaluatedQueries} with a positive grade; queries without one, left out of them (their pairs still count for PNR): {report.SkippedQueries}.</p>\n"));
        Promotion(html, report.Promotion);
        Metrics(html, report);
        Throughput(html, report.Throughput);
        Losses(html, report.LossCurves);
        html.Append("<h2>Files</h2>\n<p>Beside this page: TREC runs <code>").Append(E(report.Files.TeacherRun)).Append("</code>, <code>")
            .Append(E(report.Files.StudentRun)).Append("</code>, <code>").Append(E(report.Files.Bm25Run)).Append("</code> and qrels <code>")
            .Append(E(report.Files.Qrels)).Append("</code> (grades 0–4 as relevance), for trec_eval; and <code>report.json</code>.</p>\n");
        return html.Append("</body></html>\n").ToString();
    }

    private static void Promotion(StringBuilder html, PromotionStatus? promotion)
    {
        if (promotion is null)
        {
            html.Append("<p class=\"pending\"><strong>Promotion: pending</strong> (decided by the Publish step).</p>\n");
            return;
        }
        html.Append(promotion.Promoted ? "<p class=\"promoted\"><strong>Promoted</strong>" : "<p class=\"rejected\"><strong>Not promoted</strong>");
        html.Append(": ").Append(E(promotion.Reason));
        if (promotion.PublishedPath is { } path)
            html.Append(" Published at <code>").Append(E(path)).Append("</code>.");
        html.Append("</p>\n");
    }

    private static void Metrics(StringBuilder html, EvaluationReport report)
    {
        html.Append("<h2>Ranking metrics on the held-out queries</h2>\n<table><thead><tr><th>Metric</th><th>Teacher (LLM)</th><th>Student (BERT)</th><th>BM25</th></tr></thead><tbody>\n");
        void Row(string name, Func<RankingReport, double> metric) =>
            html.Append("<tr><td>").Append(E(name)).Append("</td><td>").Append(F(metric(report.Teacher))).Append("</td><td>")
                .Append(F(metric(report.Student))).Append("</td><td>").Append(F(metric(report.Bm25))).Append("</td></tr>\n");
        Row("NDCG@1", r => r.Ndcg1);
        Row("NDCG@3", r => r.Ndcg3);
        Row("NDCG@5", r => r.Ndcg5);
        Row("NDCG@10", r => r.Ndcg10);
        Row("MRR@10", r => r.Mrr10);
        Row("PNR (concordant / discordant pairs)", r => r.Pnr);
        Row("Concordant fraction of labelled pairs", r => r.ConcordantFraction);
        html.Append("</tbody></table>\n");
        html.Append("<p>Student NDCG@5 is ").Append(F(report.Result.StudentVsTeacher)).Append(" of the teacher's.</p>\n");
        html.Append(SvgCharts.BarChart(
            [("Teacher", "teacher", report.Teacher.Ndcg5), ("Student", "student", report.Student.Ndcg5), ("BM25", "bm25", report.Bm25.Ndcg5)],
            "NDCG@5 by ranker", "0.0000")).Append('\n');
    }

    private static void Throughput(StringBuilder html, ThroughputReport t)
    {
        html.Append("<h2>Scoring throughput</h2>\n");
        html.Append(Invariant($"<p>Teacher and student each scored the same {t.Documents} candidate documents (at most {t.MaxSequenceLength} tokens a pair) on <code>{E(t.Device)}</code> with {t.Threads} threads, "));
        if (t.StudentOnnxSeconds is not null)
            html.Append("the student also in ONNX Runtime on the CPU (its <code>model.onnx</code>), ");
        html.Append(Invariant($"after a warm-up of {t.WarmupDocuments}; the fastest of {t.TimedPasses} timed passes counts. The student is <strong>{F(t.Speedup)}×</strong> as fast.</p>\n"));
        html.Append("<table><thead><tr><th>Ranker</th><th>Seconds</th><th>Documents / second</th></tr></thead><tbody>\n");
        html.Append("<tr><td>Teacher (LLM)</td><td>").Append(F(t.TeacherSeconds)).Append("</td><td>").Append(F(t.TeacherDocsPerSecond, "0.0")).Append("</td></tr>\n");
        if (t.StudentTorchSeconds is { } torchSeconds && t.StudentOnnxSeconds is { } onnxSeconds)
        {
            // Both runtimes, the faster marked: it is the student's serving speed, the one the ratio above uses.
            foreach (var (runtime, seconds, rate) in new[] { (StudentRuntimes.TorchSharp, torchSeconds, t.StudentTorchDocsPerSecond), (StudentRuntimes.OnnxRuntime, onnxSeconds, t.StudentOnnxDocsPerSecond) })
            {
                html.Append("<tr><td>Student (BERT), ").Append(E(StudentRuntimes.DisplayName(runtime))).Append(runtime == t.StudentRuntime ? " <strong>(serving speed)</strong>" : "")
                    .Append("</td><td>").Append(F(seconds)).Append("</td><td>").Append(F(rate, "0.0")).Append("</td></tr>\n");
            }
        }
        else
        {
            html.Append("<tr><td>Student (BERT)</td><td>").Append(F(t.StudentSeconds)).Append("</td><td>").Append(F(t.StudentDocsPerSecond, "0.0")).Append("</td></tr>\n");
        }
        html.Append("</tbody></table>\n");
        html.Append(SvgCharts.BarChart([("Teacher", "teacher", t.TeacherDocsPerSecond), ("Student", "student", t.StudentDocsPerSecond)], "Documents per second", "0.0")).Append('\n');
    }

    private static void Losses(StringBuilder html, IReadOnlyList<LossCurveSummary> curves)
    {
        html.Append("<h2>Training loss</h2>\n");
        foreach (var curve in curves)
        {
            html.Append("<h3>").Append(E(StageTitle(curve.Stage))).Append("</h3>\n");
            if (!curve.Present || curve.Updates == 0)
            {
                html.Append(curve.Present ? "<p>The loss log has no training updates.</p>\n" : "<p>No loss log for this stage.</p>\n");
                continue;
            }
            html.Append(Invariant($"<p>{curve.Updates} updates, steps {curve.FirstStep}–{curve.LastStep}: loss {F(curve.FirstLoss)} → {F(curve.FinalLoss)} (lowest {F(curve.MinLoss)})"));
            if (curve.UnreadableLines > 0)
                html.Append(Invariant($"; unreadable lines skipped: {curve.UnreadableLines}"));
            html.Append(".</p>\n").Append(SvgCharts.LineChart(curve.Points, $"{StageTitle(curve.Stage)} loss by step")).Append('\n');
        }
    }

    private static string StageTitle(string stage) => stage switch
    {
        "cpt" => "Continued pre-training (cpt)",
        "sft" => "Rank fine-tuning (sft)",
        "mlm" => "Student pre-training, masked LM (mlm)",
        "distill" => "Distillation (distill)",
        _ => stage,
    };

    private static string F(double? value, string format = "0.0000") =>
        value is not { } v ? "–" : double.IsPositiveInfinity(v) ? "∞" : double.IsNaN(v) ? "n/a" : E(v.ToString(format, CultureInfo.InvariantCulture));

    private static string E(string text) => WebUtility.HtmlEncode(text);

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
