using System.Text;
using RankDistill.Activities.Pipeline;
using RankDistill.Activities.Reporting;
using RankDistill.Models.Metrics;

namespace RankDistill.Activities.Tests.Evaluation;

public sealed class ReportHtmlTests
{
    [Fact]
    public void RenderText_MarkupInAReason_IsEncodedNotInterpreted()
    {
        var html = ReportHtml.RenderText(Report() with { Promotion = new PromotionStatus(false, "<script>alert('x')</script> & more", null) });

        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; more", html, StringComparison.Ordinal);
    }

    [Fact]
    public void RenderText_InfiniteAndUndefinedMetrics_ShownAsSymbols()
    {
        var html = ReportHtml.RenderText(Report());

        Assert.Contains("<td>∞</td>", html, StringComparison.Ordinal);
        Assert.Contains("<td>n/a</td>", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SummariseAsync_LongLog_ThinnedToAtMostMaxPointsKeepingFirstAndLast()
    {
        var lines = string.Join('\n', Enumerable.Range(1, 1000).Select(s => $"{{\"step\":{s},\"loss\":{1000.0 / s:R}}}"));

        var curve = await LossCurves.SummariseAsync("distill", new MemoryStream(Encoding.UTF8.GetBytes(lines)), TestContext.Current.CancellationToken);

        Assert.Equal((1000, 1L, 1000L, 1.0), (curve.Updates, curve.FirstStep, curve.LastStep, curve.FinalLoss!.Value));
        Assert.InRange(curve.Points.Count, 200, LossCurves.MaxPoints);
        Assert.Equal(new LossPoint(1, 1000), curve.Points[0]);
        Assert.Equal(new LossPoint(1000, 1), curve.Points[^1]);
        Assert.True(curve.Points.Zip(curve.Points.Skip(1)).All(p => p.First.Step < p.Second.Step));
    }

    private static EvaluationReport Report()
    {
        var perfect = new RankingReport(3, 3, 0, 1, 1, 1, 1, 1, double.PositiveInfinity, 1, 6, 0, 6);
        var undefined = new RankingReport(0, 0, 0, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, 0, 0, 0);
        var metrics = new RankerMetrics(1, 1, 1, 1, double.PositiveInfinity, 1);
        return new EvaluationReport
        {
            RunId = "r1",
            TestQueries = 3,
            EvaluatedQueries = 3,
            SkippedQueries = 0,
            TestDocuments = 9,
            Teacher = perfect,
            Student = perfect,
            Bm25 = undefined,
            Throughput = new ThroughputReport(9, 2, 1, "cpu", 2, 48, 1, 0.1, 9, 90, 10),
            LossCurves = [new LossCurveSummary("cpt", false, 0, 0, 0, null, null, null, 0, [])],
            Files = new ReportFiles("teacher.run", "student.run", "bm25.run", "qrels.txt"),
            Result = new EvaluationResult(metrics, metrics, metrics, 3, 9, 90, "runs/r1/report/report.json"),
        };
    }
}
