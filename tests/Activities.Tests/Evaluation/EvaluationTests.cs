using System.Text.Json;
using RankDistill.Activities.Baselines;
using RankDistill.Activities.Pipeline;
using RankDistill.Activities.Reporting;
using RankDistill.Activities.Storage;
using RankDistill.Models.Metrics;

namespace RankDistill.Activities.Tests.Evaluation;

public sealed class EvaluationTests : IDisposable
{
    private const string Run = "pipeline-drop-1";
    private readonly EvaluationWorld _world = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _world.Dispose();

    [Fact]
    public async Task RunAsync_TinyRun_Bm25MetricsEqualRankingMetricsComputedHere()
    {
        var lists = EvaluationWorld.TestLists(0, 6, withUnjudgedQuery: true);
        await _world.PrepareRunAsync(Run, lists);

        var result = await RunEvaluationAsync();

        // BM25 is deterministic: score the same lists here and compute the metrics from the grades directly.
        var bm25 = Bm25Ranker.ScoreLists(lists);
        var expected = RankingMetrics.Evaluate(lists.Select((l, i) =>
            new RankedQuery($"q{i}", [.. l.Docs.Select(d => (double)d.Grade)], [.. bm25[i].Select(s => (double)s)])));
        var report = await ReadReportAsync();
        Assert.Equal(expected, report.Bm25);
        Assert.Equal(new RankerMetrics(expected.Ndcg1, expected.Ndcg3, expected.Ndcg5, expected.Ndcg10, expected.Pnr, expected.Mrr10), result.Bm25);
        Assert.Equal(7, result.TestQueries);
        Assert.Equal((7, 6, 1, 26), (report.TestQueries, report.EvaluatedQueries, report.SkippedQueries, report.TestDocuments));
        Assert.True(expected.Ndcg5 > 0.5, $"BM25 should find the matching documents; NDCG@5 {expected.Ndcg5}");
    }

    [Fact]
    public async Task RunAsync_TinyRun_TrecFilesReproduceTheReportedMetrics()
    {
        await _world.PrepareRunAsync(Run, EvaluationWorld.TestLists(0, 6, withUnjudgedQuery: true));

        var result = await RunEvaluationAsync();

        var report = await ReadReportAsync();
        var qrels = TrecQrels.Read(new StringReader(await _world.ReadTextAsync(ReportFile(report.Files.Qrels))));
        Assert.Equal(26, qrels.Count);
        foreach (var (file, reported) in new[] { (report.Files.TeacherRun, report.Teacher), (report.Files.StudentRun, report.Student), (report.Files.Bm25Run, report.Bm25) })
        {
            var run = TrecRun.Read(new StringReader(await _world.ReadTextAsync(ReportFile(file))));
            var fromFiles = RankingMetrics.Evaluate(TrecQrels.Join(run, qrels));
            Assert.Equal(reported.Ndcg5, fromFiles.Ndcg5, 12);
            Assert.Equal(reported.Ndcg1, fromFiles.Ndcg1, 12);
            Assert.Equal(reported.Mrr10, fromFiles.Mrr10, 12);
            Assert.Equal(reported.Pnr, fromFiles.Pnr, 12);
            Assert.Equal(reported.SkippedQueries, fromFiles.SkippedQueries);
        }
        Assert.Equal(report.Teacher.Ndcg5, result.Teacher.Ndcg5);
        Assert.Equal(report.Student.Ndcg10, result.Student.Ndcg10);
    }

    [Fact]
    public async Task RunAsync_TinyRun_ReportsThroughputOnTheSameCandidatesAndLossCurves()
    {
        await _world.PrepareRunAsync(Run, EvaluationWorld.TestLists(0, 6, withUnjudgedQuery: true));

        var result = await RunEvaluationAsync();

        var report = await ReadReportAsync();
        var t = report.Throughput;
        Assert.Equal(16, t.Documents);
        Assert.True(result.TeacherDocsPerSecond > 0 && result.StudentDocsPerSecond > 0);
        Assert.Equal(result.StudentDocsPerSecond / result.TeacherDocsPerSecond, t.Speedup, 12);
        // The student timed both ways; its serving speed is the faster, and the result says which runtime that was.
        Assert.True(t.StudentTorchDocsPerSecond > 0 && t.StudentOnnxDocsPerSecond > 0);
        var faster = t.StudentOnnxSeconds < t.StudentTorchSeconds ? StudentRuntimes.OnnxRuntime : StudentRuntimes.TorchSharp;
        Assert.Equal((faster, faster), (result.StudentRuntime, t.StudentRuntime));
        Assert.Equal(Math.Min(t.StudentTorchSeconds!.Value, t.StudentOnnxSeconds!.Value), t.StudentSeconds);
        Assert.Equal(Math.Max(t.StudentTorchDocsPerSecond!.Value, t.StudentOnnxDocsPerSecond!.Value), result.StudentDocsPerSecond, 9);
        Assert.Equal(RunLayout.ReportJson(Run), result.ReportPath);

        var curves = report.LossCurves.ToDictionary(c => c.Stage);
        Assert.Equal(RunLayout.TrainingStages, report.LossCurves.Select(c => c.Stage));
        var cpt = curves[RunLayout.Stages.ContinuedPretraining];
        Assert.Equal((true, 40, 1L, 40L, 3.0, 3.0 / 40, 1), (cpt.Present, cpt.Updates, cpt.FirstStep, cpt.LastStep, cpt.FirstLoss!.Value, cpt.FinalLoss!.Value, cpt.UnreadableLines));
        Assert.False(curves[RunLayout.Stages.RankFinetuning].Present);
        Assert.Equal(12, curves[RunLayout.Stages.Distillation].Updates);
    }

    [Fact]
    public async Task RunAsync_TinyRun_HtmlIsSelfContainedWithPlotsAndEncodedText()
    {
        await _world.PrepareRunAsync(Run, EvaluationWorld.TestLists(0, 6, withUnjudgedQuery: true));

        await RunEvaluationAsync();

        var html = await _world.ReadTextAsync(RunLayout.ReportHtml(Run));
        Assert.StartsWith("<!DOCTYPE html>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("http:", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("https:", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<link", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("@import", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("url(", html, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(2, CountOf(html, "<polyline"));   // cpt and distill logged; sft did not
        Assert.Equal(4, CountOf(html, "<svg"));        // NDCG@5 bars, throughput bars, two loss curves
        Assert.Contains("No loss log for this stage.", html, StringComparison.Ordinal);
        Assert.Contains("Promotion: pending", html, StringComparison.Ordinal);
        Assert.Contains("left out of them (their pairs still count for PNR): 1.", html, StringComparison.Ordinal);
        Assert.Contains("loss 3.0000 → 0.0750", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_Twice_ReturnsTheStoredResultWithoutScoringAgain()
    {
        await _world.PrepareRunAsync(Run, EvaluationWorld.TestLists(0, 6, withUnjudgedQuery: true));
        var first = await RunEvaluationAsync();
        var manifest = await _world.ReadTextAsync($"{ReportSet.Prefix(Run)}/manifest.json");
        // Without the models a second scoring could not even start: only the stored report can answer.
        await _world.Store.DeleteSetAsync(RunLayout.Model(Run, RunLayout.Stages.RankFinetuning), Ct);

        var second = await RunEvaluationAsync();

        Assert.Equal(first, second);
        Assert.Equal(manifest, await _world.ReadTextAsync($"{ReportSet.Prefix(Run)}/manifest.json"));
    }

    [Fact]
    public async Task RunAsync_ReportFileDamaged_EvaluatesAgainAndRepublishes()
    {
        await _world.PrepareRunAsync(Run, EvaluationWorld.TestLists(0, 6, withUnjudgedQuery: true));
        var first = await RunEvaluationAsync();
        await _world.Store.WriteAsync(RunLayout.ReportHtml(Run), "<html>truncated"u8.ToArray(), Ct);

        var second = await RunEvaluationAsync();

        Assert.Equal(first.Teacher, second.Teacher);
        Assert.Equal(first.Bm25, second.Bm25);
        await (await _world.Store.GetSetAsync(ReportSet.Prefix(Run), Ct)).VerifyAsync(Ct);
        Assert.Contains("<svg", await _world.ReadTextAsync(RunLayout.ReportHtml(Run)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_NoQueryHasAPositiveGrade_FailsSayingWhy()
    {
        await _world.PrepareRunAsync(Run, [.. EvaluationWorld.TestLists(0, 2, false).Select(l => l with { Docs = [.. l.Docs.Select(d => d with { Grade = 0 })] })]);

        var error = await Assert.ThrowsAsync<InvalidDataException>(RunEvaluationAsync);

        Assert.Contains("graded above 0", error.Message, StringComparison.Ordinal);
        Assert.Null(await _world.Store.OpenSetAsync(ReportSet.Prefix(Run), Ct));
    }

    private Task<EvaluationResult> RunEvaluationAsync() =>
        _world.NewEvaluation().RunAsync(new TestActivityContext("Evaluation"), new StageRequest(Run, "drop-1", EvaluationWorld.Settings()));

    private async Task<EvaluationReport> ReadReportAsync() =>
        JsonSerializer.Deserialize<EvaluationReport>(await _world.ReadTextAsync(RunLayout.ReportJson(Run)), ReportSet.Json)!;

    private static string ReportFile(string name) => $"{ReportSet.Prefix(Run)}/{name}";

    private static int CountOf(string text, string part) => (text.Length - text.Replace(part, "", StringComparison.Ordinal).Length) / part.Length;
}
