using System.Globalization;
using Microsoft.DurableTask;
using RankDistill.Activities.Pipeline;
using RankDistill.Activities.Reporting;

namespace RankDistill.Workflows.Orchestrations;

/// <summary>
/// One drop's run, instance id <c>pipeline-&lt;drop-id&gt;</c> (see <see cref="InstanceIdFor"/>): PrepareData →
/// ContinuedPretraining (left out when its settings give it no steps) → RankFinetuning → teacher labelling (<see cref="TeacherLabelingShards"/>, fan-out over shards) →
/// StudentPretraining (left out when its settings give it no steps) → Distillation → Evaluation → Publish. Each step is
/// an activity with its own retry policy (<see cref="PipelineSteps"/>); a completed step is a result in the history, so a
/// crash never runs it again. Base models set to <see cref="BaseModels.Published"/> are resolved first (the last promoted
/// run's student and teacher), and the manifest names the models the run started from. The custom status names the step
/// (<see cref="PipelineStatus"/>); the run manifest is rewritten after every step. A student that fails its gates is a
/// successful run with <c>Promoted = false</c> and the reason.
/// </summary>
[DurableTask(Name)]
public sealed class DistillationPipeline : TaskOrchestrator<PipelineInput, PipelineOutput>
{
    public const string Name = nameof(DistillationPipeline);

    /// <summary>The one instance (and run) id of a drop's pipeline: scheduling it again is refused, so a drop runs once.</summary>
    public static string InstanceIdFor(string dropId) => $"pipeline-{dropId}";

    public override async Task<PipelineOutput> RunAsync(TaskOrchestrationContext context, PipelineInput input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        // Bad settings fail the run before any work, with every bad setting named.
        PipelineSettingsRules.Check(input.Settings);
        var run = new ManifestRecorder(context, new RunManifest
        {
            RunId = input.RunId,
            DropId = input.DropId,
            Settings = input.Settings,
            StartedAt = context.CurrentUtcDateTime,
            Rejected = RunLayout.Rejected(input.RunId),
        });
        try
        {
            // "published" base models are resolved once, by an activity (the pointer is in the store), and every step
            // then gets the resolved paths; a run that does not ask makes no extra call, so its history is what it always was.
            var bases = BaseModels.AskedFor(input.Settings)
                ? await context.CallResolveBaseModelsAsync(new StageRequest(input.RunId, input.DropId, input.Settings))
                : new BaseModels(input.Settings.Teacher.BaseModel, input.Settings.Student.BaseModel);
            run.Amend(m => m with { BaseModels = bases });
            var settings = bases.ApplyTo(input.Settings);
            var request = new StageRequest(input.RunId, input.DropId, settings);

            var prepared = await run.StepAsync(RunLayout.Stages.PrepareData, nameof(PrepareData), $"reading drop {input.DropId}",
                () => context.CallPrepareDataAsync(request),
                p => Outputs(("data", RunLayout.Prepared(input.RunId, "data")), ("rejected", RunLayout.Rejected(input.RunId))),
                p => Metrics(("click_rows_read", p.Summary.ClickRowsRead), ("click_rows_rejected", p.Summary.ClickRowsRejected),
                    ("label_rows_read", p.Summary.LabelRowsRead), ("label_rows_rejected", p.Summary.LabelRowsRejected),
                    ("duplicate_click_rows", p.Summary.DuplicateClickRows), ("candidate_lists", p.CandidateLists), ("labeling_shards", p.LabelingShards)),
                (m, p) => m with { Inputs = p.Inputs, Data = p.Summary });

            if (settings.ContinuedPretraining.Steps > 0)
            {
                await run.StepAsync(RunLayout.Stages.ContinuedPretraining, nameof(ContinuedPretraining),
                    $"causal LM, {settings.ContinuedPretraining.Steps} steps",
                    () => context.CallContinuedPretrainingAsync(request), ModelOutputs, TrainingMetrics);
            }

            var teacher = await run.StepAsync(RunLayout.Stages.RankFinetuning, nameof(RankFinetuning),
                $"rank loss, {settings.RankFinetuning.Steps} steps",
                () => context.CallRankFinetuningAsync(request), ModelOutputs, TrainingMetrics);

            var labels = await run.StepAsync(RunLayout.Stages.TeacherLabeling, nameof(TeacherLabelingShards),
                $"{prepared.LabelingShards} shards of {settings.LabelingShardSize} lists",
                () => context.CallTeacherLabelingShardsAsync(new LabelingInput(input.RunId, settings, prepared.LabelingShards)),
                shards => shards.ToDictionary(s => $"shard_{s.Shard.ToString("D5", CultureInfo.InvariantCulture)}", s => s.Path),
                shards => Metrics(("shards", shards.Count), ("lists", shards.Sum(s => s.Lists)), ("documents", shards.Sum(s => s.Documents))));

            TrainedModel? pretrained = null;
            if (settings.StudentPretraining.Steps > 0)
            {
                pretrained = await run.StepAsync(RunLayout.Stages.StudentPretraining, nameof(StudentPretraining),
                    $"masked LM, {settings.StudentPretraining.Steps} steps",
                    () => context.CallStudentPretrainingAsync(request), ModelOutputs, TrainingMetrics);
            }

            var student = await run.StepAsync(RunLayout.Stages.Distillation, nameof(Distillation),
                $"BERT student, {settings.Distillation.Steps} steps",
                () => context.CallDistillationAsync(new DistillationRequest(input.RunId, settings, [.. labels.Select(l => l.Path)], pretrained?.ModelPath)),
                ModelOutputs, TrainingMetrics);

            var evaluation = await run.StepAsync(RunLayout.Stages.Evaluation, nameof(Evaluation), "teacher vs student vs BM25",
                () => context.CallEvaluationAsync(request),
                e => Outputs(("report", e.ReportPath)),
                e => Metrics(("teacher_ndcg5", e.Teacher.Ndcg5), ("student_ndcg5", e.Student.Ndcg5), ("bm25_ndcg5", e.Bm25.Ndcg5),
                    ("student_vs_teacher", e.StudentVsTeacher), ("student_speedup", e.StudentSpeedup), ("test_queries", e.TestQueries)));

            var published = await run.StepAsync(RunLayout.Stages.Publish, nameof(Publish), "checking the gates",
                () => context.CallPublishAsync(new PublishRequest(input.RunId, settings, student.ModelPath, evaluation, teacher.ModelPath)),
                p => p.PublishedPath is { } path ? Outputs(("published", path)) : Outputs(),
                p => Metrics(("promoted", p.Promoted ? 1 : 0)));

            await run.FinishAsync(m => m with { Status = "completed", Promoted = published.Promoted, Reason = published.Reason, PublishedBefore = published.PublishedBefore });
            context.SetCustomStatus(new PipelineStatus(RunLayout.Stages.Publish, 1, published.Promoted ? "promoted" : $"not promoted: {published.Reason}"));
            return new PipelineOutput(input.RunId, published.Promoted, published.Reason, evaluation);
        }
        catch (TaskFailedException failed)
        {
            // Lineage of a failed run too: which step failed and why (its own error, inside the SDK's wrapper). The
            // failure itself is rethrown unchanged.
            var cause = failed.FailureDetails;
            while (cause.InnerFailure is { } inner)
                cause = inner;
            await run.FinishAsync(m => m with { Status = "failed", Failure = $"{failed.TaskName} failed: {cause.ErrorType}: {cause.ErrorMessage}" });
            throw;
        }
    }

    private static IReadOnlyDictionary<string, string> ModelOutputs(TrainedModel model) => Outputs(("model", model.ModelPath));

    private static IReadOnlyDictionary<string, double> TrainingMetrics(TrainedModel model) =>
        Metrics(("steps", model.Steps), ("final_loss", model.FinalLoss), ("resumed_from_step", model.ResumedFromStep));

    private static Dictionary<string, string> Outputs(params (string Key, string Value)[] outputs) =>
        outputs.ToDictionary(o => o.Key, o => o.Value, StringComparer.Ordinal);

    private static Dictionary<string, double> Metrics(params (string Key, double Value)[] metrics) =>
        metrics.ToDictionary(m => m.Key, m => m.Value, StringComparer.Ordinal);
}
