using Microsoft.DurableTask;
using Microsoft.Extensions.Logging;
using RankDistill.Activities.Data;
using RankDistill.Activities.Storage;
using RankDistill.Models.Tokenization;
using RankDistill.TaskHub.Worker;

namespace RankDistill.Activities.Pipeline;

/// <summary>
/// The first step: reads the drop (<c>clicklogs/&lt;drop-id&gt;/</c>) and its labels (<c>labels/&lt;drop-id&gt;/</c>),
/// runs <see cref="DatasetPreparer"/>, and publishes under <c>runs/&lt;run-id&gt;/</c> the rejected rows, the tokenizers
/// built from the training text (for the models made from a config), and last the datasets as one set
/// (<see cref="RunLayout.PreparedData"/>), whose manifest marks the step complete: a re-run returns its
/// <c>step-result.json</c> without reading the drop again. A drop without a usable row throws
/// <see cref="UnusableDropException"/> (non-retryable) after its rejected rows are published.
/// </summary>
public sealed class PrepareData(IArtifactStore store, ActivityCancellation cancellation, ILogger<PrepareData> logger) : TaskActivity<StageRequest, PreparedData>
{
    public override async Task<PreparedData> RunAsync(TaskActivityContext context, StageRequest input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        var cancellationToken = cancellation.Token;
        var output = RunLayout.PreparedData(input.RunId);
        var (done, problem) = await RunArtifacts.TryReadResultAsync<PreparedData>(store, output, cancellationToken);
        if (done is not null)
        {
            Logs.StepReused(logger, nameof(PrepareData), input.RunId, output);
            return done;
        }
        if (problem is not null)
            Logs.StepOutputDamaged(logger, nameof(PrepareData), input.RunId, output, problem);

        using var scratch = StageScratch.Create(input.RunId, RunLayout.Stages.PrepareData, logger);
        var clickFiles = await DropFilesAsync($"clicklogs/{input.DropId}/", cancellationToken);
        var labelFiles = await DropFilesAsync($"labels/{input.DropId}/", cancellationToken);
        var local = scratch.Folder("run");
        PrepareDataSummary summary;
        try
        {
            var options = new PrepareDataOptions { SampledCandidates = input.Settings.SampledCandidates, SampleSeed = input.Settings.Seed, Limits = input.Settings.DropFiles };
            summary = await new DatasetPreparer(options)
                .PrepareAsync(clickFiles.Files, labelFiles.Files, new PreparedDataFolder(local), cancellationToken);
        }
        catch (UnusableDropException)
        {
            // The rejected rows say why the drop is unusable: keep them where the run's user will look.
            await PublishRejectedAsync(input.RunId, local, cancellationToken);
            throw;
        }

        await PublishRejectedAsync(input.RunId, local, cancellationToken);
        await PublishTokenizersAsync(input, local, scratch, cancellationToken);
        var lists = checked((int)(summary.CandidateLists.Train + summary.CandidateLists.Dev));
        var result = new PreparedData(
            summary,
            [.. clickFiles.Inputs, .. labelFiles.Inputs],
            lists,
            (lists + input.Settings.LabelingShardSize - 1) / input.Settings.LabelingShardSize);
        var data = Path.Combine(local, "data");
        RunArtifacts.WriteResult(data, result);
        await store.PublishFolderAsync(output, data, cancellationToken);
        Logs.DataPrepared(logger, input.RunId, clickFiles.Files.Count + labelFiles.Files.Count, summary.ClickRowsRead, summary.ClickRowsRejected, lists, result.LabelingShards);
        return result;
    }

    /// <summary>
    /// The data files under a drop folder with their lineage, and those the store refuses to open (to be rejected by
    /// name, not lost); markers and dot-names are not data.
    /// </summary>
    private async Task<(List<DropFile> Files, List<InputFile> Inputs)> DropFilesAsync(string prefix, CancellationToken cancellationToken)
    {
        var files = new List<DropFile>();
        var inputs = new List<InputFile>();
        await foreach (var info in store.ListAsync(prefix, cancellationToken))
        {
            var file = new DropFile(info.Name[prefix.Length..], ct => store.OpenReadAsync(info.Name, ct));
            if (file.IsMarker)
                continue;
            files.Add(file);
            inputs.Add(new InputFile(info.Name, info.Size, info.ETag));
        }
        await foreach (var refused in store.ListRefusedAsync(prefix, cancellationToken))
        {
            var file = DropFile.Refused(refused.Name[prefix.Length..], refused.Reason);
            if (!file.IsMarker)
                files.Add(file);
        }
        return (files, inputs);
    }

    private async Task PublishRejectedAsync(string runId, string local, CancellationToken cancellationToken)
    {
        var rejected = Path.Combine(local, "rejected");
        if (Directory.Exists(rejected))
            await store.PublishFolderAsync(RunLayout.Rejected(runId), rejected, cancellationToken);
    }

    /// <summary>Vocabularies from the training text for the models that do not start from a base checkpoint (sizes from the settings).</summary>
    private async Task PublishTokenizersAsync(StageRequest input, string local, StageScratch scratch, CancellationToken cancellationToken)
    {
        var settings = input.Settings;
        if (settings.Teacher.BaseModel is not null && settings.Student.BaseModel is not null)
            return;
        var corpus = TrainingText(local);
        if (settings.Teacher.BaseModel is null)
        {
            var folder = scratch.Folder("teacher-tokenizer");
            // Word-normalised (lower case, a space before each line): a teacher made from nothing learns word matches from
            // little data only when a word is one token wherever it stands (test NDCG@5 0.53 → 0.61 on the default world).
            VocabularyBuilder.WriteByteLevelBpe(corpus, folder, settings.Teacher.VocabularySize, normalizeWords: true);
            await store.PublishFolderAsync(RunLayout.Tokenizer(input.RunId, ModelFolders.TeacherRole), folder, cancellationToken);
        }
        if (settings.Student.BaseModel is null)
        {
            var folder = scratch.Folder("student-tokenizer");
            VocabularyBuilder.WriteWordPiece(corpus, folder, settings.Student.VocabularySize);
            await store.PublishFolderAsync(RunLayout.Tokenizer(input.RunId, ModelFolders.StudentRole), folder, cancellationToken);
        }
    }

    /// <summary>Queries, titles and summaries of the training material (CPT rows, SFT lists, candidates); never the test queries.</summary>
    private static List<string> TrainingText(string local)
    {
        IEnumerable<T> Read<T>(string path) =>
            File.ReadLines(Path.Combine(local, path)).Where(l => l.Length > 0).Select(PreparedJsonl.FromLine<T>);
        return
        [
            .. Read<CptExample>(PreparedDataPaths.CptTrain).SelectMany(c => new[] { c.Query, c.Title, c.Summary }),
            .. Read<GradedList>(PreparedDataPaths.SftTrain).SelectMany(l => l.Docs.SelectMany(d => new[] { l.Query, d.Title, d.Summary })),
            .. Read<CandidateList>(PreparedDataPaths.CandidatesTrain).Concat(Read<CandidateList>(PreparedDataPaths.CandidatesDev))
                .SelectMany(l => l.Docs.SelectMany(d => new[] { l.Query, d.Title, d.Summary })),
        ];
    }
}
