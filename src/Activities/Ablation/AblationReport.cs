using System.Text.Json;
using Microsoft.DurableTask;
using Microsoft.Extensions.Logging;
using RankDistill.Activities.Reporting;
using RankDistill.Activities.Storage;
using RankDistill.TaskHub.Worker;

namespace RankDistill.Activities.Ablation;

/// <summary>
/// Summarises every arm (<see cref="AblationStatistics"/>) and publishes report.json and report.html as one set at
/// <see cref="AblationLayout.Report"/>. The report is a function of the arms' results alone, so writing it again after a
/// crash writes the same files.
/// </summary>
public sealed class AblationReport(IArtifactStore store, ActivityCancellation cancellation, ILogger<AblationReport> logger)
    : TaskActivity<AblationReportRequest, AblationOutput>
{
    public override async Task<AblationOutput> RunAsync(TaskActivityContext context, AblationReportRequest input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        var summary = AblationStatistics.Summarize(input);
        var json = AblationLayout.ReportJson(input.RunId);
        var html = AblationLayout.ReportHtml(input.RunId);
        await store.PublishSetAsync(AblationLayout.Report(input.RunId),
        [
            ArtifactSetFile.FromBytes(Path.GetFileName(json), JsonSerializer.SerializeToUtf8Bytes(new AblationReportFile(input.Settings, summary), ReportSet.Json)),
            ArtifactSetFile.FromBytes(Path.GetFileName(html), AblationReportHtml.Render(summary)),
        ], cancellation.Token);
        Logs.AblationReported(logger, input.RunId, input.Arms.Count, input.Seeds.Count, json);
        return new AblationOutput(input.RunId, summary, json, html);
    }

    /// <summary>report.json: the findings, and the settings the arms were varied from.</summary>
    private sealed record AblationReportFile(Pipeline.PipelineSettings Settings, AblationSummary Summary);
}
