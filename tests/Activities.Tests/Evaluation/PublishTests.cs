using System.Text.Json;
using RankDistill.Activities.Data;
using RankDistill.Activities.Pipeline;
using RankDistill.Activities.Reporting;
using RankDistill.Activities.Storage;
using RankDistill.Models.Bert;
using RankDistill.Models.Onnx;
using RankDistill.Models.Scoring;
using RankDistill.Models.Tokenization;

namespace RankDistill.Activities.Tests.Evaluation;

public sealed class PublishTests : IDisposable
{
    private readonly EvaluationWorld _world = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _world.Dispose();

    [Fact]
    public async Task RunAsync_GatesPass_PromotesStudentAndPointsCurrentAtIt()
    {
        var evaluation = await EvaluateAsync("run-a", EvaluationWorld.TestLists(0, 6, true), studentSeed: 2);

        var result = await PublishAsync("run-a", evaluation, EvaluationWorld.Settings(minStudentVsTeacher: 0));

        Assert.True(result.Promoted, result.Reason);
        Assert.Equal("models/published/run-a", result.PublishedPath);
        Assert.Contains("no model is published yet", result.Reason, StringComparison.Ordinal);
        var set = await _world.Store.GetSetAsync("models/published/run-a", Ct);
        await set.VerifyAsync(Ct);
        var student = await _world.Store.GetSetAsync(RunLayout.Model("run-a", RunLayout.Stages.Distillation), Ct);
        Assert.Equal(
            student.Files.Select(f => f.Name).Append(PublishedModel.FileName).Append("model.onnx").Order(StringComparer.Ordinal),
            set.Files.Select(f => f.Name).Order(StringComparer.Ordinal));
        Assert.All(student.Files, f => Assert.Equal(f.Sha256, set.Files.Single(g => g.Name == f.Name).Sha256));
        var current = await PublishedModel.ReadCurrentAsync(_world.Store, Ct);
        Assert.Equal(("run-a", "models/published/run-a", evaluation.Student), (current!.RunId, current.Path, current.Student));
        var report = await ReadReportAsync("run-a");
        Assert.Equal(new PromotionStatus(true, result.Reason, result.PublishedPath), report.Promotion);
        Assert.Contains("<strong>Promoted</strong>", await _world.ReadTextAsync(RunLayout.ReportHtml("run-a")), StringComparison.Ordinal);
        await (await _world.Store.GetSetAsync(ReportSet.Prefix("run-a"), Ct)).VerifyAsync(Ct);
    }

    [Fact]
    public async Task RunAsync_Promoted_ShipsModelOnnxThatScoresAsTheStudent()
    {
        var evaluation = await EvaluateAsync("run-a", EvaluationWorld.TestLists(0, 6, true), studentSeed: 2);

        Assert.True((await PublishAsync("run-a", evaluation, EvaluationWorld.Settings(minStudentVsTeacher: 0))).Promoted);

        var folder = Directory.CreateTempSubdirectory("rankdistill-published-").FullName;
        try
        {
            await (await _world.Store.GetSetAsync("models/published/run-a", Ct)).DownloadAsync(folder, Ct);
            // As a serving stack would: the folder's tokenizer, ONNX Runtime on model.onnx, against our torch student.
            var encoder = TokenizerLoader.FromFolder(folder);
            var pairs = EvaluationWorld.TestLists(0, 6, true).SelectMany(l => l.Docs.Select(d => encoder.Encode(l.Query, RankerText.Document(d.Title, d.Summary), 48))).ToArray();
            var options = new BatchScorerOptions { PadTokenId = encoder.PadId };
            using var onnx = new OnnxCrossEncoder(Path.Combine(folder, "model.onnx"), threads: 1, options);
            var (student, _) = BertCheckpoint.LoadRanker(folder);
            using (student)
            {
                var expected = new BatchScorer(options).Score(student, pairs, cancellationToken: Ct);
                var actual = onnx.Score(pairs, Ct);
                // The tiny student's new head is small (HF's 0.02 scale), so its scores spread little: the two runtimes must
                // agree to a thousandth of that spread, far finer than the 1e-4 a trained student's scores would allow.
                var spread = expected.Max() - expected.Min();
                var diff = expected.Zip(actual).Max(p => Math.Abs(p.First - p.Second));
                Assert.True(spread > 0 && diff <= 1e-3 * spread, $"ONNX Runtime differs from torch by up to {diff}; the scores spread over {spread}");
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task RunAsync_Again_ReturnsThePromotionItMade()
    {
        var evaluation = await EvaluateAsync("run-a", EvaluationWorld.TestLists(0, 6, true), studentSeed: 2);
        var first = await PublishAsync("run-a", evaluation, EvaluationWorld.Settings());
        var pointer = await _world.ReadTextAsync(PublishedModel.CurrentPointer);

        var second = await PublishAsync("run-a", evaluation, EvaluationWorld.Settings());

        Assert.True(first.Promoted, first.Reason);
        Assert.Equal(first, second);
        Assert.Equal(pointer, await _world.ReadTextAsync(PublishedModel.CurrentPointer));
    }

    [Fact]
    public async Task RunAsync_StudentBelowTheTeacherFraction_NotPromotedWithTheNumbers()
    {
        var evaluation = await EvaluateAsync("run-a", EvaluationWorld.TestLists(0, 6, true), studentSeed: 2);

        var result = await PublishAsync("run-a", evaluation, EvaluationWorld.Settings(minStudentVsTeacher: 50));

        Assert.False(result.Promoted);
        Assert.Null(result.PublishedPath);
        Assert.Contains(FormattableString.Invariant($"Student NDCG@5 {evaluation.Student.Ndcg5:0.0000}"), result.Reason, StringComparison.Ordinal);
        Assert.Contains(FormattableString.Invariant($"the teacher's {evaluation.Teacher.Ndcg5:0.0000} (gate: at least 50"), result.Reason, StringComparison.Ordinal);
        Assert.Null(await _world.Store.OpenSetAsync("models/published/run-a", Ct));
        Assert.False(await _world.Store.ExistsAsync(PublishedModel.CurrentPointer, Ct));
        Assert.Equal(new PromotionStatus(false, result.Reason, null), (await ReadReportAsync("run-a")).Promotion);
        Assert.Contains("<strong>Not promoted</strong>", await _world.ReadTextAsync(RunLayout.ReportHtml("run-a")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_StudentWorseThanThePublishedOnThisTestSet_NotPromotedAsRegression()
    {
        // One student and its mirror image (score negated, every ranking reversed), each evaluated on the second test set;
        // the better of the two is published from a run with a different test set, then the worse one asks to replace it.
        var secondLists = EvaluationWorld.TestLists(3, 5, true);
        var plain = await EvaluateAsync("probe-plain", secondLists, studentSeed: 2);
        var mirror = await EvaluateAsync("probe-mirror", secondLists, studentSeed: 2, negateStudent: true);
        Assert.NotEqual(plain.Student.Ndcg5, mirror.Student.Ndcg5);
        bool plainIsBetter = plain.Student.Ndcg5 > mirror.Student.Ndcg5;
        var (better, worseRun, worse) = plainIsBetter ? (plain, "probe-mirror", mirror) : (mirror, "probe-plain", plain);
        var published = await EvaluateAsync("first", EvaluationWorld.TestLists(0, 3, false), studentSeed: 2, negateStudent: !plainIsBetter);
        Assert.True((await PublishAsync("first", published, EvaluationWorld.Settings())).Promoted);
        Assert.NotEqual(published.Student.Ndcg5, better.Student.Ndcg5);

        var result = await PublishAsync(worseRun, worse, EvaluationWorld.Settings(minStudentVsTeacher: 0));

        Assert.False(result.Promoted, result.Reason);
        // The published model is judged by what it scores on this run's test set, not by its stored number from its own.
        Assert.Contains(FormattableString.Invariant($"the published model (run first) scores {better.Student.Ndcg5:0.0000} on the same 6 test queries"), result.Reason, StringComparison.Ordinal);
        Assert.Contains("regression", result.Reason, StringComparison.Ordinal);
        // The model in service when the gates were applied is recorded, in the result and the report.
        Assert.Equal("first", result.PublishedBefore);
        Assert.Equal("first", (await ReadReportAsync(worseRun)).Promotion!.PublishedBefore);
        Assert.Equal("first", (await PublishedModel.ReadCurrentAsync(_world.Store, Ct))!.RunId);
        Assert.Null(await _world.Store.OpenSetAsync($"models/published/{worseRun}", Ct));
    }

    [Fact]
    public async Task RunAsync_RegressionGateOff_PromotesOverTheCurrentModel()
    {
        var first = await EvaluateAsync("run-a", EvaluationWorld.TestLists(0, 6, true), studentSeed: 2);
        Assert.True((await PublishAsync("run-a", first, EvaluationWorld.Settings())).Promoted);
        var second = await EvaluateAsync("run-b", EvaluationWorld.TestLists(0, 6, true), studentSeed: 5);

        var result = await PublishAsync("run-b", second, EvaluationWorld.Settings(requireNoRegression: false));

        Assert.True(result.Promoted, result.Reason);
        Assert.Contains("the no-regression gate is off", result.Reason, StringComparison.Ordinal);
        Assert.Equal("run-a", result.PublishedBefore);
        Assert.Equal("run-a", (await ReadReportAsync("run-b")).Promotion!.PublishedBefore);
        Assert.Equal(("run-b", "run-a"), ((await PublishedModel.ReadCurrentAsync(_world.Store, Ct))!.RunId, (await PublishedModel.ReadCurrentAsync(_world.Store, Ct))!.PublishedBefore));
        Assert.NotNull(await _world.Store.OpenSetAsync("models/published/run-a", Ct));
    }

    private async Task<EvaluationResult> EvaluateAsync(string runId, IReadOnlyList<GradedList> lists, int studentSeed, bool negateStudent = false)
    {
        await _world.PrepareRunAsync(runId, lists, studentSeed, negateStudent);
        return await _world.NewEvaluation().RunAsync(new TestActivityContext("Evaluation"), new StageRequest(runId, "drop", EvaluationWorld.Settings()));
    }

    private Task<PublishResult> PublishAsync(string runId, EvaluationResult evaluation, PipelineSettings settings) =>
        _world.NewPublish().RunAsync(new TestActivityContext("Publish"),
            new PublishRequest(runId, settings, RunLayout.Model(runId, RunLayout.Stages.Distillation), evaluation));

    private async Task<EvaluationReport> ReadReportAsync(string runId) =>
        JsonSerializer.Deserialize<EvaluationReport>(await _world.ReadTextAsync(RunLayout.ReportJson(runId)), ReportSet.Json)!;
}
