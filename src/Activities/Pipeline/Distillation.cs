using Microsoft.DurableTask;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using RankDistill.Activities.Storage;
using RankDistill.Models.Batching;
using RankDistill.Models.Bert;
using RankDistill.Models.Devices;
using RankDistill.Models.Tokenization;
using RankDistill.Models.Training;
using RankDistill.TaskHub.Worker;
using TorchSharp;

namespace RankDistill.Activities.Pipeline;

/// <summary>
/// Distillation: a BERT cross-encoder learns the teacher's scores of the labelled shards with α · point-wise MSE +
/// β · margin MSE within each query's list. It starts from the run's pre-trained student
/// (<see cref="DistillationRequest.PretrainedStudent"/>, from <see cref="StudentPretraining"/>) when there is one, else
/// from <see cref="StudentSettings.BaseModel"/>, else from a small BERT made from the settings with the run's WordPiece
/// vocabulary; a score head is always new. Publishes the student, with its <c>vocab.txt</c>, at
/// <see cref="RunLayout.Model"/>(run, <c>distill</c>).
/// </summary>
public sealed class Distillation(IArtifactStore store, IOptions<DeviceOptions> device, ActivityCancellation cancellation, ILogger<Distillation> logger)
    : TaskActivity<DistillationRequest, TrainedModel>
{
    private const string Stage = RunLayout.Stages.Distillation;

    /// <summary>
    /// Tokens per batch, counted as documents × the longest list document (a bound: training scores them in length
    /// groups): 16 lists of ~20 documents fit only when their longest is under ~50 tokens, so batches of long documents
    /// hold fewer lists and the memory of a step stays bounded.
    /// </summary>
    private const int TokenBudget = 16_384;

    public override Task<TrainedModel> RunAsync(TaskActivityContext context, DistillationRequest input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        var settings = input.Settings;
        var trainer = new StageTrainer(store, logger);
        return trainer.RunOnceAsync(input.RunId, Stage, async (scratch, modelFolder) =>
        {
            var ct = cancellation.Token;
            var on = TorchRuntime.Configure(device.Value, logger);
            var tokenizerFolder = input.PretrainedStudent is { } pretrained
                ? await ModelFolders.DownloadAsync(store, pretrained, scratch.Folder("base"), ct)
                : await ModelFolders.TokenizerAsync(store, input.DataRunId ?? input.RunId, ModelFolders.StudentRole, settings.Student.BaseModel, scratch.Folder("base"), ct);
            var encoder = TokenizerLoader.FromFolder(tokenizerFolder);
            var examples = new List<QueryList>();
            foreach (var shard in input.LabelShards)
            {
                foreach (var list in await TeacherLabeling.ReadShardAsync(store, shard, ct))
                {
                    examples.Add(new QueryList(
                        list.Query,
                        [.. list.Docs.Select(d => encoder.Encode(list.Query, RankerText.Document(d.Title, d.Summary), settings.MaxSequenceLength))],
                        [.. list.Docs.Select(d => d.Score)]));
                }
            }

            // The head (and a fresh model) from the seed; a base's body from its checkpoint.
            using var model = TorchGenerators.Seeded(settings.Seed + 2, () => input.PretrainedStudent is null && settings.Student.BaseModel is null
                ? new BertRanker(FreshStudent.Config(settings, encoder), usePooler: true)
                : BertCheckpoint.LoadRanker(tokenizerFolder).Model);
            model.to(on);
            var task = new DistillationTask<BertRanker>(settings.DistillationAlpha, settings.DistillationBeta, encoder.PadId, PaddingSide.Right);
            var options = StageTrainer.Options(settings.Distillation, settings.Seed, TokenBudget);
            var result = await trainer.TrainAsync(input.RunId, Stage, scratch, model, task, options, examples, ct);

            BertCheckpoint.Save(model, modelFolder);
            ModelFolders.CopyTokenizer(tokenizerFolder, modelFolder);
            return result;
        }, cancellation.Token);
    }
}
