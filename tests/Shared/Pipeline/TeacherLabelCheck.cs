using RankDistill.Activities.Pipeline;
using RankDistill.Activities.Storage;
using RankDistill.Models.Llm;
using RankDistill.Models.Scoring;
using RankDistill.Models.Tokenization;
using TorchSharp;

namespace RankDistill.Testing.Pipeline;

/// <summary>
/// A labelling shard checked against its teacher: the run's SFT model rescoring each document alone (a batch of one,
/// no padding), so a score written for the wrong document, or bent by batching, fails.
/// </summary>
internal static class TeacherLabelCheck
{
    public static async Task AssertShardMatchesTheTeacherAsync(IArtifactStore store, string runId, int shard, int maxSequenceLength)
    {
        var ct = TestContext.Current.CancellationToken;
        var folder = Directory.CreateTempSubdirectory("rankdistill-teacher-");
        try
        {
            var model = await ModelFolders.DownloadAsync(store, RunLayout.Model(runId, RunLayout.Stages.RankFinetuning), folder.FullName, ct);
            var encoder = TokenizerLoader.FromFolder(model);
            var (teacher, _) = DecoderCheckpoint.LoadRanker(model, torch.CPU);
            using var _ = teacher;
            var scorer = new BatchScorer(new BatchScorerOptions { PadTokenId = encoder.PadId });
            var lists = await TeacherLabeling.ReadShardAsync(store, RunLayout.LabelShard(runId, shard), ct);
            Assert.NotEmpty(lists);
            foreach (var list in lists)
            {
                foreach (var doc in list.Docs)
                {
                    var alone = encoder.Encode(list.Query, RankerText.Document(doc.Title, doc.Summary), maxSequenceLength);
                    Assert.Equal(scorer.Score(teacher, [alone], torch.CPU)[0], doc.Score, 1e-4f);
                }
            }
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }
}
