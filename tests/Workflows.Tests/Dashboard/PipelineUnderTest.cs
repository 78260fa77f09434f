namespace RankDistill.Workflows.Tests.Dashboard;

/// <summary>
/// The one place the browser tests name the pipeline they show (<see cref="BrowserHostFixture"/>). It is
/// <see cref="MimicPipeline"/> while the real DistillationPipeline is built elsewhere; at merge, point these members at
/// the real tiny pipeline: its orchestration name, an input for a small demo drop, and its step names as the timeline
/// shows them. The API, action and CLI tests keep using <see cref="MimicPipeline"/>: they check the dashboard's reading
/// of a known history (retries, waits, shards), not the pipeline.
/// </summary>
internal static class PipelineUnderTest
{
    public const string Name = MimicPipeline.Name;

    /// <summary>The timeline's step names, in order, for a run without failures.</summary>
    public static IReadOnlyList<string> StepNames => MimicPipeline.StepNames;

    /// <summary>The pipeline's instance id for a drop, as the watcher makes it.</summary>
    public static string InstanceId(string dropId) => $"pipeline-{dropId}";

    /// <summary>Prepares what the run needs (a drop in the store, for the real one) and returns its input.</summary>
    public static Task<object> InputAsync(DashboardTestHost host, string dropId)
    {
        ArgumentNullException.ThrowIfNull(host);
        return Task.FromResult<object>(MimicPipeline.NewInput(dropId));
    }
}
