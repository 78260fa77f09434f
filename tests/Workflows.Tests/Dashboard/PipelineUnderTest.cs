using RankDistill.Activities.Pipeline;
using RankDistill.Workflows.Orchestrations;
using RankDistill.Workflows.Tests.Pipeline;

namespace RankDistill.Workflows.Tests.Dashboard;

/// <summary>
/// The one place the browser tests name the pipeline they show (<see cref="BrowserHostFixture"/>): the real
/// DistillationPipeline on the tiny synthetic world with the Tiny preset, trained for real on the host's gpu queue. The
/// API, action and CLI tests keep using <see cref="MimicPipeline"/>: they check the dashboard's reading of a known
/// history (retries, waits, shards), not the pipeline.
/// </summary>
internal static class PipelineUnderTest
{
    public const string Name = DistillationPipeline.Name;

    /// <summary>The timeline's step names, in order, for a run without failures (each step's manifest rewrite is folded into it).</summary>
    public static IReadOnlyList<string> StepNames { get; } =
    [
        "PrepareData", "ContinuedPretraining", "RankFinetuning", nameof(TeacherLabelingShards), "StudentPretraining", "Distillation", "Evaluation", "Publish",
    ];

    /// <summary>The manifest writes folded into each step of <see cref="StepNames"/>: one after each, and the final one after Publish.</summary>
    public static IReadOnlyList<int> ManifestWrites { get; } = [1, 1, 1, 1, 1, 1, 1, 2];

    /// <summary>The pipeline's instance id for a drop, as the watcher makes it.</summary>
    public static string InstanceId(string dropId) => DistillationPipeline.InstanceIdFor(dropId);

    /// <summary>Writes the tiny world's drop into the host's store and returns the run's input.</summary>
    public static async Task<object> InputAsync(DashboardTestHost host, string dropId)
    {
        ArgumentNullException.ThrowIfNull(host);
        await TinyWorld.WriteDropAsync(host.Store, dropId);
        // The gate is opened so the page's decision is known ("promoted"): tiny models' metrics mean nothing.
        var settings = PipelineSettings.Tiny with { Publish = new PublishGates { MinStudentVsTeacher = 0 } };
        return new PipelineInput(InstanceId(dropId), dropId, settings);
    }
}
