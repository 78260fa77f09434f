using RankDistill.Activities.Pipeline;

namespace RankDistill.Activities.Ablation;

/// <summary>
/// Where an ablation keeps what it makes. The ablation is a run of its own (<c>runs/&lt;id&gt;/</c>: the shared prepared
/// data, tokenizers and pre-trained student); each arm is a run nested under it, <c>runs/&lt;id&gt;/arms/&lt;arm&gt;/</c>,
/// so the pipeline's activities write an arm's models, checkpoints and loss logs where no other arm's can collide.
/// </summary>
public static class AblationLayout
{
    /// <summary>The run id of one arm (a variant on one seed, or a model arms share, like one seed's CPT).</summary>
    public static string ArmRun(string ablationId, string arm) => $"{ablationId}/arms/{arm}";

    /// <summary>An arm's metrics on the held-out test lists, written by <see cref="ArmEvaluation"/>.</summary>
    public static string ArmMetrics(string armRunId) => $"{RunLayout.Root(armRunId)}/eval/metrics.json";

    /// <summary>The report set: <c>report.json</c> and <c>report.html</c>.</summary>
    public static string Report(string ablationId) => $"{RunLayout.Root(ablationId)}/ablation";

    public static string ReportJson(string ablationId) => $"{Report(ablationId)}/report.json";

    public static string ReportHtml(string ablationId) => $"{Report(ablationId)}/report.html";
}
