using Microsoft.DurableTask;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using RankDistill.Activities.Data;
using RankDistill.Activities.Storage;
using RankDistill.Models.Batching;
using RankDistill.Models.Devices;
using RankDistill.Models.Llm;
using RankDistill.Models.Tokenization;
using RankDistill.Models.Training;
using RankDistill.TaskHub.Worker;
using TorchSharp;

namespace RankDistill.Activities.Pipeline;

/// <summary>
/// SFT: the CPT model becomes a ranker (its <c>&lt;/s&gt;</c> hidden state, or the mean of its last layer as
/// <see cref="TeacherSettings.Pooling"/> says, through a fresh score head) trained with a rank loss (<see cref="PipelineSettings.RankLoss"/>) on the labelled train queries. The result is the teacher,
/// published with its tokenizer at <see cref="RunLayout.Model"/>(run, <c>sft</c>).
/// </summary>
public sealed class RankFinetuning(IArtifactStore store, IOptions<DeviceOptions> device, ActivityCancellation cancellation, ILogger<RankFinetuning> logger)
    : TaskActivity<StageRequest, TrainedModel>
{
    private const string Stage = RunLayout.Stages.RankFinetuning;

    /// <summary>Padded tokens per micro-batch: a batch of 8 lists of 15 documents of ≤ 96 tokens is 11.5k.</summary>
    private const int TokenBudget = 16_384;

    public override Task<TrainedModel> RunAsync(TaskActivityContext context, StageRequest input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        var settings = input.Settings;
        var trainer = new StageTrainer(store, logger);
        return trainer.RunOnceAsync(input.RunId, Stage, async (scratch, modelFolder) =>
        {
            var ct = cancellation.Token;
            var on = TorchRuntime.Configure(device.Value, logger);
            var start = await StartAsync(input, scratch, ct);
            var encoder = TokenizerLoader.FromFolder(start);
            // Refused before training, not after: a saved ranker needs a pad other than the end token (see Save).
            DecoderCheckpoint.CheckRankerPadding(encoder.Layout);
            var lists = await RunArtifacts.ReadPreparedAsync<GradedList>(store, input.DataRun, PreparedDataPaths.SftTrain, ct);
            var examples = lists.Select(l => new QueryList(
                l.Query,
                [.. l.Docs.Select(d => encoder.Encode(l.Query, RankerText.Document(d.Title, d.Summary), settings.MaxSequenceLength))],
                [.. l.Docs.Select(d => (float)d.Grade)])).ToList();

            // The score head is new: its initial weights come from the seed. Without CPT and without a base model the
            // whole decoder is new, from the seed CPT would have started from.
            using var model = settings.ContinuedPretraining.Steps == 0 && settings.Teacher.BaseModel is null
                ? TorchGenerators.Seeded(settings.Seed, () => new DecoderRanker(FreshTeacher.Config(settings, encoder.VocabularySize), settings.Teacher.Pooling)).to(on)
                : TorchGenerators.Seeded(settings.Seed + 1, () => DecoderCheckpoint.LoadRanker(start, on, settings.Teacher.Pooling)).Model;
            // The ranker finds each row's real tokens from the mask whichever side pads, so right padding (the collator's default) is fine.
            var task = new RankingTask<DecoderRanker>(settings.RankLoss, padTokenId: encoder.PadId, paddingSide: PaddingSide.Right);
            var options = StageTrainer.Options(settings.RankFinetuning, settings.Seed, TokenBudget);
            var result = await trainer.TrainAsync(input.RunId, Stage, scratch, model, task, options, examples, ct);

            DecoderCheckpoint.Save(model, modelFolder, encoder.Layout);
            ModelFolders.CopyTokenizer(start, modelFolder);
            return result;
        }, cancellation.Token);
    }

    /// <summary>
    /// The folder SFT starts from: the CPT model (the run's own, or <see cref="StageRequest.StartModel"/>), or, when the
    /// settings leave CPT out, the base LLM or (for a fresh decoder) the run's teacher tokenizer.
    /// </summary>
    private async Task<string> StartAsync(StageRequest input, StageScratch scratch, CancellationToken ct)
    {
        var settings = input.Settings;
        if (settings.ContinuedPretraining.Steps == 0)
            return await ModelFolders.TokenizerAsync(store, input.DataRun, ModelFolders.TeacherRole, settings.Teacher.BaseModel, scratch.Folder("base"), ct);
        var cpt = input.StartModel ?? RunLayout.Model(input.RunId, RunLayout.Stages.ContinuedPretraining);
        return await ModelFolders.DownloadAsync(store, cpt, scratch.Folder("cpt"), ct);
    }
}
