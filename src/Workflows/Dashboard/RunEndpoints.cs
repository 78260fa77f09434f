using Microsoft.AspNetCore.StaticFiles;
using Microsoft.Net.Http.Headers;
using RankDistill.Activities.Storage;

namespace RankDistill.Workflows.Dashboard;

/// <summary>
/// The runs across drops, <c>GET /api/runs</c> (<see cref="RunHistory"/>), and a run's products: <c>GET /api/runs/{runId}/loss/{stage}</c> (parsed loss curve; <c>maxPoints</c>, default 1000),
/// <c>GET /api/runs/{runId}/report</c> (report.json) and <c>GET /api/artifacts/{**name}</c> (one artifact streamed,
/// or the listing of a folder such as a model), for the names <see cref="RunArtifacts.IsServable"/> allows only.
/// </summary>
internal static class RunEndpoints
{
    /// <summary>Marks a folder's listing, as opposed to a JSON file's content.</summary>
    public const string ListingHeader = "X-Artifact-Listing";

    private const int MaxListing = 1000;
    private static readonly FileExtensionContentTypeProvider _contentTypes = new();

    public static void MapRunEndpoints(this RouteGroupBuilder api)
    {
        api.MapGet("/runs", async (RunHistory history, CancellationToken ct) => Results.Ok(await history.ListAsync(ct)));
        api.MapGet("/runs/{runId}/loss/{stage}", async (string runId, string stage, int? maxPoints, RunArtifacts runs, CancellationToken ct) =>
        {
            if (!RunArtifacts.IsValidRunId(runId))
                return DashboardEndpoints.BadRequest($"'{runId}' is not a run id");
            return await runs.GetLossAsync(runId, stage, Math.Clamp(maxPoints ?? 1000, 2, 100_000), ct) is { } curve
                ? Results.Ok(curve)
                : DashboardEndpoints.NotFound($"Run '{runId}' has no loss curve for stage '{stage}' (yet).");
        });
        api.MapGet("/runs/{runId}/report", async (string runId, RunArtifacts runs, CancellationToken ct) =>
        {
            if (!RunArtifacts.IsValidRunId(runId))
                return DashboardEndpoints.BadRequest($"'{runId}' is not a run id");
            return await runs.GetReportAsync(runId, ct) is { } report
                ? Results.Json(report)
                : DashboardEndpoints.NotFound($"Run '{runId}' has no report (yet).");
        });
        api.MapGet("/artifacts/{**name}", async (string name, HttpContext context, RunArtifacts runs, CancellationToken ct) =>
        {
            if (!RunArtifacts.IsServable(name))
                return DashboardEndpoints.BadRequest($"'{name}' is not an artifact the dashboard serves: a run's manifest, report, loss logs, progress and models, or names under models/, without '..' or empty segments");
            if (await runs.GetInfoAsync(name, ct) is { } info)
                return await StreamAsync(info, context, runs, ct);
            var files = await runs.ListAsync(name, MaxListing, ct);
            if (files.Count == 0)
                return DashboardEndpoints.NotFound($"No artifact '{name}'.");
            context.Response.Headers[ListingHeader] = "true";
            return Results.Ok(new { name, files });
        });
    }

    private static async Task<IResult> StreamAsync(ArtifactInfo info, HttpContext context, RunArtifacts runs, CancellationToken ct)
    {
        Stream stream;
        try
        {
            stream = await runs.OpenReadAsync(info.Name, ct);
        }
        catch (ArtifactNotFoundException)
        {
            return DashboardEndpoints.NotFound($"No artifact '{info.Name}'.");
        }
        var headers = context.Response.Headers;
        // Artifacts are data, never active content on this origin: an HTML report opens sandboxed (no scripts).
        headers.ContentSecurityPolicy = "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:";
        headers.ContentLength = info.Size;
        var fileName = info.Name[(info.Name.LastIndexOf('/') + 1)..];
        var type = _contentTypes.TryGetContentType(fileName, out var known) ? known : "application/octet-stream";
        if (fileName.EndsWith(".jsonl", StringComparison.OrdinalIgnoreCase))
            type = "application/x-ndjson";
        var inline = type is "application/json" or "application/x-ndjson" or "text/html" or "text/plain" or "text/csv";
        headers.ContentDisposition = new ContentDispositionHeaderValue(inline ? "inline" : "attachment") { FileNameStar = fileName }.ToString();
        var etag = EntityTagHeaderValue.TryParse(info.ETag, out var tag) ? tag : null;
        return Results.Stream(stream, type, lastModified: info.LastModified, entityTag: etag, enableRangeProcessing: false);
    }
}
