using System.Collections.Concurrent;
using System.Text.Json;
using RankDistill.Activities.Pipeline;
using RankDistill.Activities.Reporting;
using RankDistill.Activities.Storage;
using RankDistill.Models.Metrics;
using RankDistill.Workflows.Dashboard.Api;
using RankDistill.Workflows.Orchestrations;

namespace RankDistill.Workflows.Dashboard;

/// <summary>
/// The runs across drops, read from the artifact store alone (any store kind): each run's <c>manifest.json</c> says
/// whether it completed and its publish decision, its <c>report/report.json</c> the metrics, and
/// <c>models/published/current.json</c> which model is in service. The task hub is not asked: its history may be
/// purged, the store's lineage stays.
/// </summary>
internal sealed class RunHistory(IArtifactStore store)
{
    // A completed run's manifest is its last write (after Publish wrote the report), so its ETag pins the whole summary
    // and the page's auto-refresh re-reads only runs that changed.
    private readonly ConcurrentDictionary<string, (string ETag, RunSummary Summary)> _completed = new(StringComparer.Ordinal);

    public async Task<RunList> ListAsync(CancellationToken cancellationToken)
    {
        var published = await CurrentAsync(cancellationToken);
        var runs = new List<RunSummary>();
        // The store lists names under a prefix, not folders, so every file of every run passes by; a run's manifest is
        // runs/<run-id>/manifest.json, one level down.
        await foreach (var info in store.ListAsync("runs/", cancellationToken))
        {
            var parts = info.Name.Split('/');
            if (parts.Length != 3 || info.Name != RunLayout.Manifest(parts[1]))
                continue;
            if (await SummarizeAsync(parts[1], info.ETag, cancellationToken) is { } run)
                runs.Add(run with { Published = run.RunId == published });
        }
        // By completion (the order Publish saw them), then id: the same order on every machine and culture.
        runs.Sort((a, b) => (a.CompletedAt ?? a.StartedAt).CompareTo(b.CompletedAt ?? b.StartedAt) is var byTime and not 0
            ? byTime
            : string.CompareOrdinal(a.RunId, b.RunId));
        return new RunList(runs, published);
    }

    private async Task<RunSummary?> SummarizeAsync(string runId, string etag, CancellationToken cancellationToken)
    {
        if (_completed.TryGetValue(runId, out var cached) && cached.ETag == etag)
            return cached.Summary;
        RunManifest? manifest;
        try
        {
            manifest = await WriteRunManifest.ReadAsync(store, runId, cancellationToken);
        }
        catch (Exception e) when (e is JsonException or ArtifactNotFoundException or InvalidOperationException)
        {
            // A manifest another tool wrote, or one being replaced as we read: not a run this page can show.
            return null;
        }
        if (manifest is not { Status: "completed" })
            return null;
        var report = await EvaluationReport.ReadAsync(store, runId, cancellationToken);
        var promotion = report?.Promotion;
        var summary = new RunSummary(
            runId,
            manifest.DropId,
            manifest.StartedAt,
            manifest.CompletedAt,
            Scores(report?.Teacher),
            Scores(report?.Student),
            Scores(report?.Bm25),
            report?.Result.StudentVsTeacher,
            report?.Throughput.Speedup,
            manifest.Promoted ?? promotion?.Promoted ?? false,
            manifest.Reason ?? promotion?.Reason,
            manifest.PublishedBefore ?? promotion?.PublishedBefore,
            Published: false);
        _completed[runId] = (etag, summary);
        return summary;
    }

    private async Task<string?> CurrentAsync(CancellationToken cancellationToken)
    {
        try
        {
            return (await PublishedModel.ReadCurrentAsync(store, cancellationToken))?.RunId;
        }
        catch (InvalidDataException)
        {
            // An unreadable pointer names no model: the list still shows every run's own decision.
            return null;
        }
    }

    private static RankerScores? Scores(RankingReport? report) => report is null ? null : new RankerScores(report.Ndcg5, report.Pnr);
}
