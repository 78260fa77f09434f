namespace RankDistill.Workflows.Orchestrations;

/// <summary>
/// The pipeline's custom status, as the dashboard and the CLI read it: <c>{ "step": "cpt", "progress": 0.2, "detail": "…" }</c>.
/// <paramref name="Step"/> is a stage name of <see cref="Activities.Pipeline.RunLayout.Stages"/>; <paramref name="Progress"/> is
/// the whole run's share done when the step started (0..1): an orchestration only runs between steps, so finer progress of a
/// training step comes from its loss log (see <c>Cli/PipelineProgress</c>).
/// </summary>
public sealed record PipelineStatus(string Step, double Progress, string Detail);
