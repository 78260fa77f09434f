using RankDistill.Durable.Hosting;

namespace RankDistill.Workflows.Tests.Dashboard;

/// <summary>
/// The one place the dashboard tests name the pipeline they run. It is <see cref="MimicPipeline"/> while the real
/// DistillationPipeline is built elsewhere; at merge, point these members at the real tiny pipeline (its name, its
/// input for a demo drop, and nothing to register, since WorkflowRegistrations already has it).
/// </summary>
internal static class PipelineUnderTest
{
    public const string Name = MimicPipeline.Name;

    /// <summary>Tasks the host must know besides WorkflowRegistrations.</summary>
    public static void Register(DurableTaskBuilder builder) => MimicPipeline.Register(builder);

    /// <summary>The pipeline's instance id for a drop, as the watcher makes it.</summary>
    public static string InstanceId(string dropId) => $"pipeline-{dropId}";

    public static MimicPipeline.Input Input(string dropId, string? holdForEvent = null, string? failMarker = null, string? note = null) =>
        new($"run-{dropId}", dropId, holdForEvent, failMarker, note);
}
