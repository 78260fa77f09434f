using Microsoft.DurableTask;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using RankDistill.Activities.Data;
using RankDistill.Activities.Storage;
using RankDistill.Models.Bert;
using RankDistill.Models.Devices;
using RankDistill.Models.Tokenization;
using RankDistill.Models.Training;
using RankDistill.TaskHub.Worker;
using TorchSharp;

namespace RankDistill.Activities.Pipeline;

/// <summary>
/// The student's counterpart of CPT: BERT's masked-LM pre-training on the clicked query–document pairs
/// (<c>[CLS] query [SEP] title summary [SEP]</c>, 15% of tokens hidden and predicted). The paper distils into a
/// pre-trained BERT; a student made from nothing learns the teacher's comparison from a few thousand lists only after it
/// has learned the words and how a query's words show in the pages clicked for it. It starts from
/// <see cref="StudentSettings.BaseModel"/> (further pre-training on the run's own text) or from a small BERT made from
/// the settings with the run's WordPiece vocabulary, and publishes a BertForMaskedLM folder, with its <c>vocab.txt</c>,
/// at <see cref="RunLayout.Model"/>(run, <c>mlm</c>), which Distillation starts from.
/// </summary>
public sealed class StudentPretraining(IArtifactStore store, IOptions<DeviceOptions> device, ActivityCancellation cancellation, ILogger<StudentPretraining> logger)
    : TaskActivity<StageRequest, TrainedModel>
{
    private const string Stage = RunLayout.Stages.StudentPretraining;

    /// <summary>Padded tokens per micro-batch: 64 pairs of ≤ 96 tokens is 6k; the logits are (B, T, vocab) as in CPT.</summary>
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
            var tokenizerFolder = await ModelFolders.TokenizerAsync(store, input.DataRun, ModelFolders.StudentRole, settings.Student.BaseModel, scratch.Folder("base"), ct);
            var encoder = TokenizerLoader.FromFolder(tokenizerFolder);
            var rows = await RunArtifacts.ReadPreparedAsync<CptExample>(store, input.DataRun, PreparedDataPaths.CptTrain, ct);
            var examples = rows.Select(r => encoder.Encode(r.Query, RankerText.Document(r.Title, r.Summary), settings.MaxSequenceLength)).ToList();

            // A fresh model's weights and head are a function of the seed (a resumed run overwrites them from its checkpoint).
            using var model = TorchGenerators.Seeded(settings.Seed + 3, () => settings.Student.BaseModel is null
                ? new BertMaskedLm(FreshStudent.Config(settings, encoder))
                : BertCheckpoint.LoadMaskedLm(tokenizerFolder).Model);
            model.to(on);
            var task = new MaskedLmTask(encoder.Layout);
            var options = StageTrainer.Options(settings.StudentPretraining, settings.Seed, TokenBudget);
            var result = await trainer.TrainAsync(input.RunId, Stage, scratch, model, task, options, examples, ct);

            BertCheckpoint.Save(model, modelFolder);
            ModelFolders.CopyTokenizer(tokenizerFolder, modelFolder);
            return result;
        }, cancellation.Token);
    }
}
