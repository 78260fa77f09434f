using Microsoft.DurableTask;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using RankDistill.Activities.Data;
using RankDistill.Activities.Storage;
using RankDistill.Models.Devices;
using RankDistill.Models.Llm;
using RankDistill.Models.Tokenization;
using RankDistill.Models.Training;
using RankDistill.TaskHub.Worker;
using TorchSharp;

namespace RankDistill.Activities.Pipeline;

/// <summary>
/// CPT: the decoder LLM learns to write the clicked document (title, summary) after the query, with the loss on the
/// document's tokens only. It starts from <see cref="TeacherSettings.BaseModel"/> or, when none is configured, from a
/// small Qwen2 made from the settings with the run's byte-level BPE vocabulary. Publishes the causal LM, with its
/// tokenizer, at <see cref="RunLayout.Model"/>(run, <c>cpt</c>).
/// </summary>
public sealed class ContinuedPretraining(IArtifactStore store, IOptions<DeviceOptions> device, ActivityCancellation cancellation, ILogger<ContinuedPretraining> logger)
    : TaskActivity<StageRequest, TrainedModel>
{
    private const string Stage = RunLayout.Stages.ContinuedPretraining;

    /// <summary>
    /// Padded tokens per micro-batch: CPT rows are short (≈ 30 tokens) but the LM head's logits are (B, T, vocab), so
    /// half the ranking stages' budget keeps them small.
    /// </summary>
    private const int TokenBudget = 8192;

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
            var tokenizerFolder = await ModelFolders.TokenizerAsync(store, input.DataRun, ModelFolders.TeacherRole, settings.Teacher.BaseModel, scratch.Folder("base"), ct);
            var encoder = TokenizerLoader.FromFolder(tokenizerFolder);
            var rows = await RunArtifacts.ReadPreparedAsync<CptExample>(store, input.DataRun, PreparedDataPaths.CptTrain, ct);
            var examples = rows.Select(r => encoder.EncodePromptCompletion(r.Query, RankerText.Document(r.Title, r.Summary), settings.MaxSequenceLength)).ToList();

            // The initial weights are a function of the seed (a resumed run overwrites them from its checkpoint anyway).
            using var model = TorchGenerators.Seeded(settings.Seed, () => settings.Teacher.BaseModel is null
                ? new DecoderLanguageModel(FreshTeacher.Config(settings, encoder.VocabularySize))
                : DecoderCheckpoint.LoadLanguageModel(tokenizerFolder));
            model.to(on);
            var task = new CausalLmTask<DecoderLanguageModel>((m, b) => m.forward(b.InputIds, b.AttentionMask), encoder.PadId);
            var options = StageTrainer.Options(settings.ContinuedPretraining, settings.Seed, TokenBudget);
            var result = await trainer.TrainAsync(input.RunId, Stage, scratch, model, task, options, examples, ct);

            DecoderCheckpoint.Save(model, modelFolder);
            ModelFolders.CopyTokenizer(tokenizerFolder, modelFolder);
            return result;
        }, cancellation.Token);
    }
}
