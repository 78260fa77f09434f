using RankDistill.Activities.Pipeline;
using RankDistill.Activities.Storage;
using RankDistill.Models.Bert;
using RankDistill.Models.Tokenization;
using RankDistill.Testing.Pipeline;

namespace RankDistill.Activities.Tests.Pipeline;

/// <summary>Teacher labelling shard by shard, then distillation, on the tiny drop with the Tiny preset.</summary>
public sealed class LabelingAndDistillationTests : IDisposable
{
    private const string Distill = RunLayout.Stages.Distillation;
    private readonly PipelineHarness _harness = new();

    public void Dispose() => _harness.Dispose();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task TeacherLabeling_EveryShard_ScoresEachCandidateOnceInOrderAndReusesAWrittenShard()
    {
        await _harness.WriteDropAsync();
        var prepared = await _harness.TeacherAsync("r1");

        var shards = await _harness.LabelAsync("r1", prepared.LabelingShards);
        var info = await _harness.Store.GetInfoAsync(RunLayout.LabelShard("r1", 0), Ct);
        var writes = _harness.Store.Writes.Count;
        using var context = new TestActivityContext(_harness);
        var again = await _harness.Labeling.RunAsync(context, new LabelShardRequest("r1", PipelineHarness.Settings, 0));

        Assert.Equal(shards[0], again);
        Assert.Equal(writes, _harness.Store.Writes.Count); // nothing was scored and written the second time
        Assert.Equal(info, await _harness.Store.GetInfoAsync(RunLayout.LabelShard("r1", 0), Ct));
        Assert.Equal(prepared.CandidateLists, shards.Sum(s => s.Lists));
        Assert.Equal(prepared.Summary.CandidateDocuments.Train + prepared.Summary.CandidateDocuments.Dev, shards.Sum(s => s.Documents));
        Assert.All(shards.SkipLast(1), s => Assert.Equal(PipelineHarness.Settings.LabelingShardSize, s.Lists));
        var lists = new List<LabelledList>();
        foreach (var shard in shards)
            lists.AddRange(await TeacherLabeling.ReadShardAsync(_harness.Store, shard.Path, Ct));
        var candidates = await RunArtifacts.ReadCandidatesAsync(_harness.Store, "r1", Ct);
        Assert.Equal(candidates.Select(c => c.Query), lists.Select(l => l.Query));
        Assert.Equal(candidates.Select(c => c.Docs.Select(d => d.Url)), lists.Select(l => l.Docs.Select(d => d.Url)));
        foreach (var shard in shards)
            await TeacherLabelCheck.AssertShardMatchesTheTeacherAsync(_harness.Store, "r1", shard.Shard, PipelineHarness.Settings.MaxSequenceLength);
    }

    [Fact]
    public async Task TeacherLabeling_ShardPastTheEnd_ThrowsNamingTheShardCount()
    {
        await _harness.WriteDropAsync();
        var prepared = await _harness.TeacherAsync("r1");
        using var context = new TestActivityContext(_harness);

        var error = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() =>
            _harness.Labeling.RunAsync(context, new LabelShardRequest("r1", PipelineHarness.Settings, prepared.LabelingShards)));

        Assert.Contains($"{prepared.LabelingShards} shards", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Distillation_CancelledThenRerun_MatchesAnUninterruptedStudentAndIsReusedAfter()
    {
        await _harness.WriteDropAsync();
        var prepared = await _harness.TeacherAsync("r1");
        var shards = (await _harness.LabelAsync("r1", prepared.LabelingShards)).Select(s => s.Path).ToList();
        // A second run distils from the same labels: its stage output is the uninterrupted reference.
        var whole = new DistillationRequest("r1", PipelineHarness.Settings, shards);
        var broken = new DistillationRequest("r2", PipelineHarness.Settings, shards);
        using (var context = new TestActivityContext(_harness))
            await _harness.Distill.RunAsync(context, whole);
        using (var context = new TestActivityContext(_harness))
            await _harness.Prepare.RunAsync(context, PipelineHarness.Request("r2"));

        using (var interrupted = new TestActivityContext(_harness, interruptAfterCheckpoints: 2))
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => _harness.Distill.RunAsync(interrupted, broken));
        using var resumed = new TestActivityContext(_harness);
        var result = await _harness.Distill.RunAsync(resumed, broken);
        var writes = _harness.Store.Writes.Count;
        using var again = new TestActivityContext(_harness);
        var reused = await _harness.Distill.RunAsync(again, broken);

        Assert.Equal(10, result.ResumedFromStep);
        Assert.Equal(result, reused);
        Assert.Equal(writes, _harness.Store.Writes.Count); // the third call trained and wrote nothing
        Assert.Equal(await _harness.ReadAsync($"{RunLayout.Model("r1", Distill)}/model.safetensors"), await _harness.ReadAsync($"{RunLayout.Model("r2", Distill)}/model.safetensors"));
        var local = Path.Combine(_harness.Local.Root, "..", Guid.NewGuid().ToString("N"));
        try
        {
            await (await _harness.Store.GetSetAsync(result.ModelPath, Ct)).DownloadAsync(local, Ct);
            var (student, report) = BertCheckpoint.LoadRanker(local);
            using var _ = student;
            Assert.Empty(report.Missing);
            Assert.Equal(student.Config.VocabSize, TokenizerLoader.FromFolder(local).VocabularySize);
        }
        finally
        {
            Directory.Delete(local, recursive: true);
        }
    }

    [Fact]
    public async Task Distillation_WithThePretrainedStudent_StartsFromItsBodyAndVocabulary()
    {
        await _harness.WriteDropAsync();
        var prepared = await _harness.TeacherAsync("r1");
        var shards = (await _harness.LabelAsync("r1", prepared.LabelingShards)).Select(s => s.Path).ToList();
        using var context = new TestActivityContext(_harness);
        var pretrained = await _harness.StudentPretraining.RunAsync(context, PipelineHarness.Request("r1"));
        // A learning rate far too small to move a float32 weight: the distilled body is the pre-trained one, bit for bit.
        var still = PipelineHarness.Settings with { Distillation = PipelineHarness.Settings.Distillation with { LearningRate = 1e-30 } };

        var result = await _harness.Distill.RunAsync(context, new DistillationRequest("r1", still, shards, pretrained.ModelPath));

        var root = Path.Combine(_harness.Local.Root, "..", Guid.NewGuid().ToString("N"));
        try
        {
            await (await _harness.Store.GetSetAsync(pretrained.ModelPath, Ct)).DownloadAsync(Path.Combine(root, "mlm"), Ct);
            await (await _harness.Store.GetSetAsync(result.ModelPath, Ct)).DownloadAsync(Path.Combine(root, "student"), Ct);
            var (lm, _) = BertCheckpoint.LoadMaskedLm(Path.Combine(root, "mlm"));
            using var __ = lm;
            var (student, report) = BertCheckpoint.LoadRanker(Path.Combine(root, "student"));
            using var ___ = student;
            Assert.Empty(report.Missing);
            foreach (var name in new[] { "embeddings.word.weight", "encoder.layers.0.attn.qkv.weight", "encoder.layers.0.ffn_norm.bias" })
                Assert.True(lm.state_dict()[name].eq(student.state_dict()[name]).all().item<bool>(), $"{name} differs from the pre-trained student's");
            Assert.Equal(
                await File.ReadAllTextAsync(Path.Combine(root, "mlm", "vocab.txt"), Ct),
                await File.ReadAllTextAsync(Path.Combine(root, "student", "vocab.txt"), Ct));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }
}
