using System.Text;
using System.Text.Json;
using RankDistill.Activities.Pipeline;
using RankDistill.Activities.Storage;
using RankDistill.Models.Training;

namespace RankDistill.Activities.Reporting;

/// <summary>Reads the training stages' loss logs (<see cref="RunLayout.LossLog"/>) into summaries for the report.</summary>
internal static class LossCurves
{
    /// <summary>Points kept for a plot: enough for a smooth line at report width, few enough to keep report.json small.</summary>
    internal const int MaxPoints = 300;

    public static async Task<IReadOnlyList<LossCurveSummary>> ReadAsync(IArtifactStore store, string runId, CancellationToken cancellationToken)
    {
        var curves = new List<LossCurveSummary>();
        foreach (var stage in RunLayout.TrainingStages)
        {
            var name = RunLayout.LossLog(runId, stage);
            if (!await store.ExistsAsync(name, cancellationToken))
            {
                curves.Add(new LossCurveSummary(stage, false, 0, 0, 0, null, null, null, 0, []));
                continue;
            }
            await using var stream = await store.OpenReadAsync(name, cancellationToken);
            curves.Add(await SummariseAsync(stage, stream, cancellationToken));
        }
        return curves;
    }

    /// <summary>
    /// Summarises one log. Evaluation lines carry no loss and are not points; a line that is not a log entry is
    /// counted as unreadable and skipped, so one torn line does not cost the whole report.
    /// </summary>
    internal static async Task<LossCurveSummary> SummariseAsync(string stage, Stream log, CancellationToken cancellationToken)
    {
        var points = new List<LossPoint>();
        int unreadable = 0;
        using var reader = new StreamReader(log, Encoding.UTF8);
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            if (string.IsNullOrWhiteSpace(line))
                continue;
            LossLogEntry? entry;
            try
            {
                entry = JsonSerializer.Deserialize<LossLogEntry>(line);
            }
            catch (JsonException)
            {
                unreadable++;
                continue;
            }
            if (entry?.Loss is { } loss)
                points.Add(new LossPoint(entry.Step, loss));
        }
        if (points.Count == 0)
            return new LossCurveSummary(stage, true, 0, 0, 0, null, null, null, unreadable, []);
        var finite = points.Where(p => double.IsFinite(p.Loss)).Select(p => p.Loss).DefaultIfEmpty(double.NaN);
        return new LossCurveSummary(
            stage, true, points.Count, points[0].Step, points[^1].Step,
            points[0].Loss, points[^1].Loss, finite.Min(), unreadable, Thin(points));
    }

    /// <summary>Every k-th point so at most <see cref="MaxPoints"/> remain, always keeping the last.</summary>
    private static List<LossPoint> Thin(List<LossPoint> points)
    {
        if (points.Count <= MaxPoints)
            return points;
        int stride = (points.Count + MaxPoints - 2) / (MaxPoints - 1);
        var thinned = points.Where((_, i) => i % stride == 0).ToList();
        if (thinned[^1] != points[^1])
            thinned.Add(points[^1]);
        return thinned;
    }
}
