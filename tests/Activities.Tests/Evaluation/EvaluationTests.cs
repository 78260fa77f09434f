using System.Text.Json;
using RankDistill.Activities.Data;
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

    /// <summary>
    /// Two queries whose BM25 scores and metrics are worked out by hand below. Every document is four words that
    /// Lucene's English analyser keeps and does not change in a way that matters (no stop word, no shared stem), so
    /// each has length 4 = avgdl; 4 is also exact in Lucene's one-byte length norm (1/√4 = 0.5).
    /// </summary>
    private static readonly List<GradedList> _handScored =
    [
        new("jazz piano",
        [
            new("https://example.test/d1", "jazz piano", "piano lesson", 1),
            new("https://example.test/d2", "jazz club", "tokyo night", 2),
            new("https://example.test/d3", "garden tomato", "green soil", 0),
        ]),
        new("tokyo hotel",
        [
            new("https://example.test/d4", "tokyo hotel", "cheap room", 0),
            new("https://example.test/d5", "hotel pool", "summer swim", 2),
            new("https://example.test/d6", "kyoto temple", "quiet garden", 1),
        ]),
    ];

    [Fact]
    public async Task RunAsync_HandScoredLists_Bm25ScoresAndMetricsAsWorkedOutByHand()
    {
        // BM25 (Robertson; Lucene's BM25Similarity), k1 = 0.9, b = 0.4, over the N = 6 documents of both lists:
        //   idf(t) = ln(1 + (N − n + 0.5) / (n + 0.5)), n = documents holding t
        //     piano n=1: ln(1 + 5.5/1.5) = ln 4.6667 = 1.5404450
        //     jazz (d1 d2), tokyo (d2 d4), hotel (d4 d5) n=2: ln(1 + 4.5/2.5) = ln 2.8 = 1.0296194
        //   tf part = tf (k1 + 1) / (tf + k1 (1 − b + b dl/avgdl)), dl = avgdl = 4: tf (k1 + 1) / (tf + k1)
        //     tf 1: 1.9/1.9 = 1;  tf 2: 3.8/2.9 = 1.3103448
        //   "jazz piano":  d1 = 1.0296194 + 1.5404450 × 1.3103448 = 3.0481336;  d2 = 1.0296194;  d3 = 0
        //   "tokyo hotel": d4 = 1.0296194 + 1.0296194 = 2.0592388;  d5 = 1.0296194;  d6 = 0
        //   (tokyo's n counts d2, a document of the other query: idf is the whole corpus's)
        // Rankings (no ties): d1 d2 d3 with grades 1 2 0; d4 d5 d6 with grades 0 2 1.
        // NDCG, as Ndcg.cs documents it: gain 2^g − 1, discount 1/log2(rank + 1). (trec_eval's ndcg gains the grade
        // itself; with grade 2 the two differ: 3 here, 2 there.)
        //   IDCG (grades 2 1 0, both queries) = 3/1 + 1/log2 3 = 3 + 0.6309298 = 3.6309298
        //   q1 DCG = 1/1 + 3/log2 3 + 0 = 1 + 1.8927893 = 2.8927893 → NDCG@3 = 0.7967076, NDCG@1 = 1/3
        //   q2 DCG = 0 + 3/log2 3 + 1/log2 4 = 1.8927893 + 0.5 = 2.3927893 → NDCG@3 = 0.6590018, NDCG@1 = 0
        //   means: NDCG@1 = 1/6; NDCG@3 = @5 = @10 (three documents a list) = 0.7278547
        // MRR@10: first graded document at rank 1 and rank 2: (1 + 1/2) / 2 = 0.75.
        // Pairs: q1 (d2>d1 discordant, d2>d3 and d1>d3 concordant), q2 (d5>d4 and d6>d4 discordant, d5>d6
        // concordant): 3 concordant, 3 discordant, PNR = 1.
        await _world.PrepareRunAsync(Run, _handScored);

        var result = await RunEvaluationAsync();

        var report = await ReadReportAsync();
        var scores = TrecRun.Read(new StringReader(await _world.ReadTextAsync(ReportFile(report.Files.Bm25Run)))).ToDictionary(d => d.DocId[^2..], d => d.Score);
        var expected = new Dictionary<string, double> { ["d1"] = 3.0481336, ["d2"] = 1.0296194, ["d3"] = 0, ["d4"] = 2.0592388, ["d5"] = 1.0296194, ["d6"] = 0 };
        Assert.Equal(expected.Keys.Order(), scores.Keys.Order());
        // Lucene scores in single precision.
        Assert.All(expected, e => Assert.Equal(e.Value, scores[e.Key], 1e-5));
        var bm25 = report.Bm25;
        Assert.Equal((2, 2, 0), (bm25.Queries, bm25.EvaluatedQueries, bm25.SkippedQueries));
        Assert.Equal(1 / 6.0, bm25.Ndcg1, 1e-12);
        Assert.Equal(0.7278547, bm25.Ndcg3, 1e-7);
        Assert.Equal(0.7278547, bm25.Ndcg5, 1e-7);
        Assert.Equal(0.7278547, bm25.Ndcg10, 1e-7);
        Assert.Equal(0.75, bm25.Mrr10, 1e-12);
        Assert.Equal((3.0, 3.0, 6L, 1.0), (bm25.ConcordantPairs, bm25.DiscordantPairs, bm25.LabelledPairs, bm25.Pnr));
        Assert.Equal(new RankerMetrics(bm25.Ndcg1, bm25.Ndcg3, bm25.Ndcg5, bm25.Ndcg10, bm25.Pnr, bm25.Mrr10), result.Bm25);
    }

    [Fact]
    public async Task RunAsync_TinyRun_TrecFilesReproduceTheReportedMetrics()
    {
        await _world.PrepareRunAsync(Run, EvaluationWorld.TestLists(0, 6, withUnjudgedQuery: true));

        var result = await RunEvaluationAsync();

        var report = await ReadReportAsync();
        Assert.Equal(7, result.TestQueries);
        Assert.Equal((7, 6, 1, 26), (report.TestQueries, report.EvaluatedQueries, report.SkippedQueries, report.TestDocuments));
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
