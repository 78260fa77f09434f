using RankDistill.Activities.Pipeline;
using RankDistill.Models.Llm;
using RankDistill.Models.Losses;

namespace RankDistill.Activities.Ablation;

/// <summary>
/// What the ablation compares, in one place: each variant as a change to the run's settings, and each paired
/// comparison with what the paper reports. The paper's recipe (CPT, the last token, pairwise hinge; the hybrid
/// distillation loss) is the baseline every study shares, so it is trained once a seed and compared four ways.
/// </summary>
public static class AblationDesign
{
    public const string Teacher = "teacher";
    public const string TeacherWithoutCpt = "teacher-no-cpt";
    public const string TeacherMeanPooling = "teacher-mean-pool";
    public const string TeacherRankNet = "teacher-ranknet";
    public const string TeacherListwise = "teacher-listwise";
    public const string StudentHybrid = "student-hybrid";
    public const string StudentMse = "student-mse";
    public const string StudentMargin = "student-margin";

    /// <summary>Every variant, teachers first; <see cref="Variant.Apply"/> turns the run's settings into the variant's.</summary>
    public static IReadOnlyList<Variant> Variants { get; } =
    [
        new(Teacher, "baseline", ArmModel.Teacher, "CPT, last token, pairwise hinge (the paper's)", s => s),
        new(TeacherWithoutCpt, "cpt", ArmModel.Teacher, "no CPT, same SFT", s => s with { ContinuedPretraining = s.ContinuedPretraining with { Steps = 0 } }),
        new(TeacherMeanPooling, "representation", ArmModel.Teacher, "mean of the last layer instead of </s>", s => s with { Teacher = s.Teacher with { Pooling = DecoderPooling.Mean } }),
        new(TeacherRankNet, "rank loss", ArmModel.Teacher, "RankNet instead of pairwise hinge", s => s with { RankLoss = RankLossKind.RankNet }),
        new(TeacherListwise, "rank loss", ArmModel.Teacher, "listwise softmax instead of pairwise hinge", s => s with { RankLoss = RankLossKind.ListwiseSoftmax }),
        new(StudentHybrid, "distillation loss", ArmModel.Student, "α·MSE + β·margin MSE (the paper's)", s => s),
        new(StudentMse, "distillation loss", ArmModel.Student, "point-wise MSE alone", s => s with { DistillationBeta = 0 }),
        new(StudentMargin, "distillation loss", ArmModel.Student, "margin MSE alone", s => s with { DistillationAlpha = 0 }),
    ];

    /// <summary>The paired comparisons, in the order of the console's table and its last line.</summary>
    public static IReadOnlyList<Comparison> Comparisons { get; } =
    [
        new("hybrid_vs_mse", "distillation loss", StudentHybrid, StudentMse, "hybrid > MSE", true),
        new("hybrid_vs_margin", "distillation loss", StudentHybrid, StudentMargin, "hybrid > margin", true),
        new("cpt_gain", "cpt", Teacher, TeacherWithoutCpt, "CPT > no CPT", true),
        new("last_token_vs_mean", "representation", Teacher, TeacherMeanPooling, "</s> > mean pooling", true),
        new("hinge_vs_ranknet", "rank loss", Teacher, TeacherRankNet, "pairwise hinge, no comparison reported", null),
        new("hinge_vs_listwise", "rank loss", Teacher, TeacherListwise, "pairwise hinge, no comparison reported", null),
    ];

    /// <summary>
    /// The run's settings with the paper's recipe pinned, whatever the configuration chose for the compared fields, so
    /// the baseline is the paper's and each variant differs from it in one field only.
    /// </summary>
    public static PipelineSettings Baseline(PipelineSettings settings, int seed)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return settings with { Seed = seed, RankLoss = RankLossKind.PairwiseHinge, Teacher = settings.Teacher with { Pooling = DecoderPooling.LastToken } };
    }

    public static Variant Find(string name) => Variants.Single(v => v.Name == name);

    /// <summary>One arm's recipe: <paramref name="Apply"/> changes the baseline settings into it.</summary>
    public sealed record Variant(string Name, string Study, ArmModel Model, string Description, Func<PipelineSettings, PipelineSettings> Apply);

    /// <summary><paramref name="Variant"/> against <paramref name="Against"/>; <paramref name="PaperExpectsHigher"/> null when the paper reports no comparison.</summary>
    public sealed record Comparison(string Key, string Study, string Variant, string Against, string Paper, bool? PaperExpectsHigher);
}
