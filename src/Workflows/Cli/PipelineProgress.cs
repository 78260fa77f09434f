using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.DurableTask.Client;
using RankDistill.Activities.Pipeline;
using RankDistill.Activities.Storage;
using RankDistill.Workflows.Orchestrations;

namespace RankDistill.Workflows.Cli;

/// <summary>
/// Where a running pipeline is, read from outside it: the step from its custom status, and inside a training step the
/// stage's progress file (rewritten every few seconds while it trains) or else its loss log (uploaded at each
/// checkpoint), inside labelling the shard files written so far. Cheap enough to poll every half second.
/// </summary>
internal sealed class PipelineProgress(DurableTaskClient client, IArtifactStore store, string instanceId, PipelineSettings settings)
{
    public static readonly IReadOnlyList<string> Stages =
    [
        RunLayout.Stages.PrepareData, RunLayout.Stages.ContinuedPretraining, RunLayout.Stages.RankFinetuning,
        RunLayout.Stages.TeacherLabeling, RunLayout.Stages.StudentPretraining, RunLayout.Stages.Distillation, RunLayout.Stages.Evaluation,
        RunLayout.Stages.Publish,
    ];

    private static readonly JsonSerializerOptions _json = new(JsonSerializerDefaults.Web);
    private int _shards = -1;

    /// <summary>The instance, its current stage, and the stage's own progress (0..1) with a short note.</summary>
    public async Task<Snapshot> ReadAsync(CancellationToken cancellationToken)
    {
        var instance = await client.GetInstanceAsync(instanceId, getInputsAndOutputs: true, cancellationToken) ?? throw new InvalidOperationException($"No pipeline instance '{instanceId}'.");
        var status = instance.ReadCustomStatusAs<PipelineStatus>();
        if (instance.RuntimeStatus == OrchestrationRuntimeStatus.Completed)
            return new Snapshot(instance, RunLayout.Stages.Publish, 1, "done");
        if (status is null)
            return new Snapshot(instance, RunLayout.Stages.PrepareData, 0, "starting");
        (double Fraction, string Note) progress = status.Step switch
        {
            RunLayout.Stages.ContinuedPretraining => await TrainingAsync(status.Step, settings.ContinuedPretraining.Steps, cancellationToken),
            RunLayout.Stages.RankFinetuning => await TrainingAsync(status.Step, settings.RankFinetuning.Steps, cancellationToken),
            RunLayout.Stages.StudentPretraining => await TrainingAsync(status.Step, settings.StudentPretraining.Steps, cancellationToken),
            RunLayout.Stages.Distillation => await TrainingAsync(status.Step, settings.Distillation.Steps, cancellationToken),
            RunLayout.Stages.TeacherLabeling => await LabelingAsync(cancellationToken),
            _ => (0.0, status.Detail),
        };
        return new Snapshot(instance, status.Step, progress.Fraction, progress.Note);
    }

    private async Task<(double, string)> TrainingAsync(string stage, int steps, CancellationToken cancellationToken)
    {
        var progress = RunLayout.Progress(instanceId, stage);
        if (await store.GetInfoAsync(progress, cancellationToken) is not null
            && JsonSerializer.Deserialize<StageProgress>(await store.ReadAllBytesAsync(progress, cancellationToken: cancellationToken), _json) is { } now)
        {
            return (Fraction(now.Done, now.Total), Note(now.Done, now.Total, now.Loss));
        }
        var log = RunLayout.LossLog(instanceId, stage);
        if (await store.GetInfoAsync(log, cancellationToken) is null)
            return (0, $"step 0/{steps}");
        var text = Encoding.UTF8.GetString(await store.ReadAllBytesAsync(log, cancellationToken: cancellationToken));
        var last = LossLogTail.LastStep(text);
        return (Fraction(last.Step, steps), Note(last.Step, steps, last.Loss));
    }

    private static double Fraction(long done, long total) => Math.Clamp(done / (double)Math.Max(1, total), 0, 1);

    private static string Note(long done, long total, double? loss) =>
        $"step {done}/{total}" + (loss is { } l ? $" loss {l.ToString("F3", CultureInfo.InvariantCulture)}" : "");

    private async Task<(double, string)> LabelingAsync(CancellationToken cancellationToken)
    {
        if (_shards < 0 && await WriteRunManifest.ReadAsync(store, instanceId, cancellationToken) is { } manifest
            && manifest.Steps.FirstOrDefault(s => s.Stage == RunLayout.Stages.PrepareData)?.Metrics.GetValueOrDefault("labeling_shards") is { } shards)
        {
            _shards = (int)shards;
        }
        var done = 0;
        await foreach (var artifact in store.ListAsync($"{RunLayout.Root(instanceId)}/labels/shard-", cancellationToken))
        {
            if (artifact.Name.EndsWith(".jsonl", StringComparison.Ordinal))
                done++;
        }
        return _shards > 0 ? (Math.Clamp(done / (double)_shards, 0, 1), $"{done}/{_shards} shards") : (0, $"{done} shards");
    }

    public sealed record Snapshot(OrchestrationMetadata Instance, string Stage, double StageProgress, string Note);
}
