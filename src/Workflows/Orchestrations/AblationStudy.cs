using System.Globalization;
using Microsoft.DurableTask;
using RankDistill.Activities.Ablation;
using RankDistill.Activities.Pipeline;

namespace RankDistill.Workflows.Orchestrations;

/// <summary>The input of <see cref="AblationStudy"/>: the drop, the settings the arms vary from, and the seeds each arm runs on.</summary>
public sealed record AblationInput(string RunId, string DropId, PipelineSettings Settings, IReadOnlyList<int> Seeds);

/// <summary>
/// The paper's findings checked on one drop (<c>ablate</c>), instance and run id <c>ablation-&lt;drop-id&gt;</c>: every
/// variant of <see cref="AblationDesign"/> on every seed, through the pipeline's own activities, each arm a run of its
/// own under <see cref="AblationLayout.ArmRun"/>. Shared, because it does not change between arms: PrepareData (one
/// split, so every arm is scored on the same test lists), one CPT a seed (for the arms that differ after it), the
/// student's pre-training, and the teacher labels the distillation arms learn from (the first seed's paper-recipe
/// teacher). Then <see cref="AblationReport"/>. Every activity returns its stored output when it has one, so an
/// ablation started again after a crash, a termination or a failure retrains nothing that finished.
/// </summary>
[DurableTask(Name)]
public sealed class AblationStudy : TaskOrchestrator<AblationInput, AblationOutput>
{
    public const string Name = nameof(AblationStudy);

    /// <summary>The custom status's step while arms run.</summary>
    public const string ArmsStep = "arms";

    public static string InstanceIdFor(string dropId) => $"ablation-{dropId}";

    public override async Task<AblationOutput> RunAsync(TaskOrchestrationContext context, AblationInput input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        Check(input);
        var runId = input.RunId;
        var arms = input.Seeds.Count * AblationDesign.Variants.Count;
        var done = 0;

        context.SetCustomStatus(new PipelineStatus(RunLayout.Stages.PrepareData, 0, $"reading drop {input.DropId}"));
        var shared = new StageRequest(runId, input.DropId, input.Settings);
        var prepared = await context.CallPrepareDataAsync(shared);
        context.SetCustomStatus(new PipelineStatus(ArmsStep, 0, $"0/{arms} arms"));

        // Started now, awaited when the students need it: it depends on the data only.
        var pretraining = input.Settings.StudentPretraining.Steps > 0 ? context.CallStudentPretrainingAsync(shared) : null;
        var teachers = (await Task.WhenAll(input.Seeds.Select(TeachersAsync))).SelectMany(t => t).ToList();

        var first = input.Seeds[0];
        var labels = await context.CallTeacherLabelingShardsAsync(
            new LabelingInput(Arm(AblationDesign.Teacher, first), AblationDesign.Baseline(input.Settings, first), prepared.LabelingShards) { DataRunId = runId });
        var pretrained = pretraining is null ? null : (await pretraining).ModelPath;
        string[] students = [AblationDesign.StudentHybrid, AblationDesign.StudentMse, AblationDesign.StudentMargin];
        var studentArms = await Task.WhenAll(input.Seeds.SelectMany(seed => students.Select(variant => StudentAsync(variant, seed))));

        context.SetCustomStatus(new PipelineStatus(ArmsStep, 1, $"{arms}/{arms} arms; writing the report"));
        return await context.CallAblationReportAsync(new AblationReportRequest(runId, input.DropId, input.Seeds, input.Settings, [.. teachers, .. studentArms]));

        string Arm(string variant, int seed) => AblationLayout.ArmRun(runId, string.Create(CultureInfo.InvariantCulture, $"{variant}-s{seed}"));

        PipelineSettings SettingsOf(string variant, int seed) => AblationDesign.Find(variant).Apply(AblationDesign.Baseline(input.Settings, seed));

        // One seed's teachers: the variant without CPT from the start, the others after the seed's one CPT.
        async Task<ArmResult[]> TeachersAsync(int seed)
        {
            var cpt = context.CallContinuedPretrainingAsync(
                new StageRequest(Arm("cpt", seed), input.DropId, AblationDesign.Baseline(input.Settings, seed)) { DataRunId = runId });
            var withoutCpt = TeacherAsync(AblationDesign.TeacherWithoutCpt, seed, null);
            var start = (await cpt).ModelPath;
            string[] afterCpt = [AblationDesign.Teacher, AblationDesign.TeacherMeanPooling, AblationDesign.TeacherRankNet, AblationDesign.TeacherListwise];
            return await Task.WhenAll([withoutCpt, .. afterCpt.Select(variant => TeacherAsync(variant, seed, start))]);
        }

        async Task<ArmResult> TeacherAsync(string variant, int seed, string? cptModel)
        {
            var settings = SettingsOf(variant, seed);
            var run = Arm(variant, seed);
            var model = await context.CallRankFinetuningAsync(new StageRequest(run, input.DropId, settings) { DataRunId = runId, StartModel = cptModel });
            return await EvaluateAsync(variant, seed, run, model.ModelPath, ArmModel.Teacher, settings);
        }

        async Task<ArmResult> StudentAsync(string variant, int seed)
        {
            var settings = SettingsOf(variant, seed);
            var run = Arm(variant, seed);
            var model = await context.CallDistillationAsync(
                new DistillationRequest(run, settings, [.. labels.Select(l => l.Path)], pretrained) { DataRunId = runId });
            return await EvaluateAsync(variant, seed, run, model.ModelPath, ArmModel.Student, settings);
        }

        async Task<ArmResult> EvaluateAsync(string variant, int seed, string run, string model, ArmModel kind, PipelineSettings settings)
        {
            var metrics = await context.CallArmEvaluationAsync(new ArmEvaluationRequest(runId, run, model, kind, settings.MaxSequenceLength));
            done++;
            context.SetCustomStatus(new PipelineStatus(ArmsStep, done / (double)arms,
                string.Create(CultureInfo.InvariantCulture, $"{done}/{arms} arms; {variant} seed {seed}: NDCG@5 {metrics.Metrics.Ndcg5:0.000}")));
            return new ArmResult(variant, seed, model, metrics);
        }
    }

    /// <summary>
    /// What an ablation needs beyond a runnable pipeline: seeds, distinct (a repeated seed would be one arm counted
    /// twice); both distillation terms on (the hybrid is the baseline the single terms are compared with); CPT on
    /// (the baseline has it, the variant without it leaves it out). Pure: safe in orchestration code.
    /// </summary>
    public static IReadOnlyList<string> Problems(AblationInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var problems = new List<string>(PipelineSettingsRules.Problems(input.Settings));
        if (input.Seeds.Count == 0 || input.Seeds.Distinct().Count() != input.Seeds.Count || input.Seeds.Any(s => s < 0))
            problems.Add($"seeds {string.Join(",", input.Seeds)} are not valid; expected one or more distinct whole numbers from 0");
        if (input.Settings.DistillationAlpha <= 0 || input.Settings.DistillationBeta <= 0)
            problems.Add("Pipeline:DistillationAlpha and Pipeline:DistillationBeta must both be above 0: the hybrid loss is the ablation's baseline");
        if (input.Settings.ContinuedPretraining.Steps <= 0)
            problems.Add("Pipeline:ContinuedPretraining:Steps must be above 0: the ablation compares the teacher with and without it");
        return problems;
    }

    private static void Check(AblationInput input)
    {
        var problems = Problems(input);
        if (problems.Count > 0)
            throw new InvalidPipelineSettingsException("The settings cannot make an ablation: " + string.Join("; ", problems));
    }
}
