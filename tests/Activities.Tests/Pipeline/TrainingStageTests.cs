using RankDistill.Activities.Pipeline;
using RankDistill.Activities.Storage;
using RankDistill.Models.Bert;
using RankDistill.Models.Llm;
using RankDistill.Models.Tokenization;

namespace RankDistill.Activities.Tests.Pipeline;

/// <summary>The training activities on the tiny drop with the Tiny preset (20 updates, a checkpoint every 5).</summary>
public sealed class TrainingStageTests : IDisposable
{
    private const string Cpt = RunLayout.Stages.ContinuedPretraining;
    private const string Mlm = RunLayout.Stages.StudentPretraining;
    private readonly PipelineHarness _harness = new();

    public void Dispose() => _harness.Dispose();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ContinuedPretraining_Twice_SecondRunReusesThePublishedModel()
    {
        await PrepareAsync("r1");
        using var context = new TestActivityContext(_harness);
        var first = await _harness.Cpt.RunAsync(context, PipelineHarness.Request("r1"));
        var log = await _harness.Store.GetInfoAsync(RunLayout.LossLog("r1", Cpt), Ct);
        var writes = _harness.Store.Writes.Count;

        var second = await _harness.Cpt.RunAsync(context, PipelineHarness.Request("r1"));

        Assert.Equal(first, second);
        Assert.Equal(20, first.Steps);
        Assert.Equal(writes, _harness.Store.Writes.Count); // no training step ran, nothing was written
        Assert.Equal(log, await _harness.Store.GetInfoAsync(RunLayout.LossLog("r1", Cpt), Ct));
        Assert.Equal(Enumerable.Range(1, 20), LossSteps("r1", Cpt));
    }

    [Fact]
    public async Task ContinuedPretraining_CancelledMidStage_ResumesFromLastCheckpointToTheSameWeights()
    {
        await PrepareAsync("whole");
        await PrepareAsync("broken");
        using (var whole = new TestActivityContext(_harness))
            await _harness.Cpt.RunAsync(whole, PipelineHarness.Request("whole"));

        using (var interrupted = new TestActivityContext(_harness, interruptAfterCheckpoints: 1))
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => _harness.Cpt.RunAsync(interrupted, PipelineHarness.Request("broken")));
        // The loss curve in the store stops at the checkpoint of step 5, the point the next attempt resumes from.
        Assert.Equal(5, LossSteps("broken", Cpt).Max());
        using var resumed = new TestActivityContext(_harness);
        var result = await _harness.Cpt.RunAsync(resumed, PipelineHarness.Request("broken"));

        Assert.Equal(5, result.ResumedFromStep);
        Assert.Equal(Enumerable.Range(1, 20), LossSteps("broken", Cpt));
        Assert.Equal(await WeightsAsync("whole", Cpt), await WeightsAsync("broken", Cpt));
    }

    [Fact]
    public async Task ContinuedPretraining_CorruptNewestCheckpoint_ResumesFromThePreviousOne()
    {
        await PrepareAsync("whole");
        await PrepareAsync("broken");
        using (var whole = new TestActivityContext(_harness))
            await _harness.Cpt.RunAsync(whole, PipelineHarness.Request("whole"));
        using (var interrupted = new TestActivityContext(_harness, interruptAfterCheckpoints: 2))
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => _harness.Cpt.RunAsync(interrupted, PipelineHarness.Request("broken")));
        var weights = _harness.FileOf(new ArtifactCheckpointStore(_harness.Store, RunLayout.Checkpoints("broken", Cpt)).PrefixOf(10) + "/model.safetensors");
        var bytes = await File.ReadAllBytesAsync(weights, Ct);
        bytes[^1] ^= 0xFF;
        await File.WriteAllBytesAsync(weights, bytes, Ct);

        using var resumed = new TestActivityContext(_harness);
        var result = await _harness.Cpt.RunAsync(resumed, PipelineHarness.Request("broken"));

        Assert.Equal(5, result.ResumedFromStep);
        Assert.Equal(await WeightsAsync("whole", Cpt), await WeightsAsync("broken", Cpt));
    }

    [Fact]
    public async Task RankFinetuning_AfterCpt_PublishesATeacherThatLoadsFromADownloadedCopy()
    {
        await PrepareAsync("r1");
        using var context = new TestActivityContext(_harness);
        await _harness.Cpt.RunAsync(context, PipelineHarness.Request("r1"));

        var sft = await _harness.Sft.RunAsync(context, PipelineHarness.Request("r1"));
        var again = await _harness.Sft.RunAsync(context, PipelineHarness.Request("r1"));

        Assert.Equal(sft, again);
        Assert.Equal(RunLayout.Model("r1", RunLayout.Stages.RankFinetuning), sft.ModelPath);
        var local = Path.Combine(_harness.Local.Root, "..", Guid.NewGuid().ToString("N"));
        try
        {
            await (await _harness.Store.GetSetAsync(sft.ModelPath, Ct)).DownloadAsync(local, Ct);
            var encoder = TokenizerLoader.FromFolder(local);
            var (teacher, report) = DecoderCheckpoint.LoadRanker(local);
            using var _ = teacher;
            Assert.Empty(report.Missing); // the score head was saved with the body
            Assert.True(encoder.VocabularySize <= teacher.Config.VocabSize);
        }
        finally
        {
            Directory.Delete(local, recursive: true);
        }
    }

    [Fact]
    public async Task StudentPretraining_Twice_PublishesAMaskedLmOnceThatARankerLoadsWithItsTokenizer()
    {
        await PrepareAsync("r1");
        using var context = new TestActivityContext(_harness);
        var first = await _harness.StudentPretraining.RunAsync(context, PipelineHarness.Request("r1"));
        var writes = _harness.Store.Writes.Count;

        var second = await _harness.StudentPretraining.RunAsync(context, PipelineHarness.Request("r1"));

        Assert.Equal(first, second);
        Assert.Equal(RunLayout.Model("r1", Mlm), first.ModelPath);
        Assert.Equal(Enumerable.Range(1, 20), LossSteps("r1", Mlm));
        Assert.Equal(writes, _harness.Store.Writes.Count); // no training step ran the second time, nothing was written
        var local = Path.Combine(_harness.Local.Root, "..", Guid.NewGuid().ToString("N"));
        try
        {
            await (await _harness.Store.GetSetAsync(first.ModelPath, Ct)).DownloadAsync(local, Ct);
            var encoder = TokenizerLoader.FromFolder(local);
            var (lm, lmReport) = BertCheckpoint.LoadMaskedLm(local);
            using var _ = lm;
            Assert.Empty(lmReport.Missing); // the prediction head was saved with the body
            Assert.Equal(encoder.VocabularySize, lm.Config.VocabSize);
            var (ranker, rankerReport) = BertCheckpoint.LoadRanker(local);
            using var __ = ranker;
            Assert.Equal(["classifier.weight", "classifier.bias"], rankerReport.Missing);
        }
        finally
        {
            Directory.Delete(local, recursive: true);
        }
    }

    [Fact]
    public async Task StudentPretraining_CancelledMidStage_ResumesToTheSameWeights()
    {
        // The masking draws from torch's generator: a resumed run must hide the same tokens at the same updates.
        await PrepareAsync("whole");
        await PrepareAsync("broken");
        using (var whole = new TestActivityContext(_harness))
            await _harness.StudentPretraining.RunAsync(whole, PipelineHarness.Request("whole"));

        using (var interrupted = new TestActivityContext(_harness, interruptAfterCheckpoints: 1))
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => _harness.StudentPretraining.RunAsync(interrupted, PipelineHarness.Request("broken")));
        using var resumed = new TestActivityContext(_harness);
        var result = await _harness.StudentPretraining.RunAsync(resumed, PipelineHarness.Request("broken"));

        Assert.Equal(5, result.ResumedFromStep);
        Assert.Equal(Enumerable.Range(1, 20), LossSteps("broken", Mlm));
        Assert.Equal(await WeightsAsync("whole", Mlm), await WeightsAsync("broken", Mlm));
    }

    private async Task PrepareAsync(string runId)
    {
        if (!await _harness.Store.ExistsAsync("clicklogs/tiny/_SUCCESS", Ct))
            await _harness.WriteDropAsync();
        using var context = new TestActivityContext(_harness);
        await _harness.Prepare.RunAsync(context, PipelineHarness.Request(runId));
    }

    private IEnumerable<int> LossSteps(string runId, string stage) =>
        RankDistill.Models.Training.LossLog.Read(_harness.FileOf(RunLayout.LossLog(runId, stage)))
            .Where(e => e.Eval is null).Select(e => (int)e.Step);

    private Task<byte[]> WeightsAsync(string runId, string stage) => _harness.ReadAsync($"{RunLayout.Model(runId, stage)}/model.safetensors");
}
