using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using RankDistill.Activities.Pipeline;
using RankDistill.Activities.Storage;

namespace RankDistill.Activities.Reporting;

/// <summary>
/// The report folder <c>runs/&lt;id&gt;/report/</c>, published as one artifact set: report.json, report.html, a TREC
/// run per ranker and the qrels. A reader sees all of one version or none (the set's manifest is written last), and
/// a damaged file is caught by its hash, so "the report exists and is valid" is one question.
/// </summary>
internal static class ReportSet
{
    public const string TeacherRun = "teacher.run";
    public const string StudentRun = "student.run";
    public const string Bm25Run = "bm25.run";
    public const string Qrels = "qrels.txt";

    /// <summary>report.json's keys: snake_case like the run's other JSON; NaN and ∞ (PNR with no discordant pair) as strings.</summary>
    public static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        WriteIndented = true,
    };

    public static string Prefix(string runId) => Folder(RunLayout.ReportJson(runId));

    private static string JsonName(string runId) => FileName(RunLayout.ReportJson(runId));

    private static string HtmlName(string runId) => FileName(RunLayout.ReportHtml(runId));

    /// <summary>The stored report, or null when there is none or it is not valid (no manifest, a file that fails its hash, JSON of another format).</summary>
    public static async Task<EvaluationReport?> TryReadAsync(IArtifactStore store, string runId, CancellationToken cancellationToken)
    {
        var set = await store.OpenSetAsync(Prefix(runId), cancellationToken);
        if (set is null || !set.Files.Any(f => f.Name == HtmlName(runId)))
            return null;
        try
        {
            await set.VerifyAsync(cancellationToken);
            await using var stream = await set.OpenReadAsync(JsonName(runId), cancellationToken);
            var report = await JsonSerializer.DeserializeAsync<EvaluationReport>(stream, Json, cancellationToken);
            return report?.Format == EvaluationReport.CurrentFormat && report.RunId == runId ? report : null;
        }
        catch (Exception e) when (e is CorruptArtifactException or ArtifactNotFoundException or JsonException)
        {
            return null;
        }
    }

    /// <summary>report.json as it lies (atomic on its own), or null when absent, unreadable or of another format.</summary>
    public static async Task<EvaluationReport?> TryReadJsonAsync(IArtifactStore store, string runId, CancellationToken cancellationToken)
    {
        try
        {
            var bytes = await store.ReadAllBytesAsync(RunLayout.ReportJson(runId), 8 << 20, cancellationToken);
            var report = JsonSerializer.Deserialize<EvaluationReport>(bytes, Json);
            return report?.Format == EvaluationReport.CurrentFormat && report.RunId == runId ? report : null;
        }
        catch (Exception e) when (e is ArtifactNotFoundException or JsonException or InvalidOperationException)
        {
            return null;
        }
    }

    /// <summary>Publishes the report (json and html rendered from it) with the TREC files, replacing an earlier version.</summary>
    public static Task PublishAsync(
        IArtifactStore store, EvaluationReport report, IReadOnlyDictionary<string, byte[]> trecFiles, CancellationToken cancellationToken)
    {
        var files = new List<ArtifactSetFile>
        {
            ArtifactSetFile.FromBytes(JsonName(report.RunId), JsonSerializer.SerializeToUtf8Bytes(report, Json)),
            ArtifactSetFile.FromBytes(HtmlName(report.RunId), ReportHtml.Render(report)),
        };
        files.AddRange(trecFiles.OrderBy(f => f.Key, StringComparer.Ordinal).Select(f => ArtifactSetFile.FromBytes(f.Key, f.Value)));
        return store.PublishSetAsync(Prefix(report.RunId), files, cancellationToken);
    }

    /// <summary>
    /// The stored report and its TREC files, read whole (one line a test document), to publish again beside an
    /// updated report. From the verified set when there is one; otherwise from the files as they lie, which covers a
    /// crash in the middle of an earlier rewrite (the manifest goes first, and each file is replaced atomically, so
    /// every file is a whole old or new version). Null when neither yields a report.
    /// </summary>
    public static async Task<(EvaluationReport Report, Dictionary<string, byte[]> TrecFiles)?> ReadForRewriteAsync(
        IArtifactStore store, string runId, CancellationToken cancellationToken)
    {
        var set = await store.OpenSetAsync(Prefix(runId), cancellationToken);
        Func<string, Task<Stream>> open = set is not null
            ? name => set.OpenReadAsync(name, cancellationToken)
            : name => store.OpenReadAsync($"{Prefix(runId)}/{name}", cancellationToken);
        try
        {
            var files = new Dictionary<string, byte[]>(StringComparer.Ordinal);
            foreach (var name in new[] { JsonName(runId), TeacherRun, StudentRun, Bm25Run, Qrels })
            {
                await using var stream = await open(name);
                using var buffer = new MemoryStream();
                await stream.CopyToAsync(buffer, cancellationToken);
                files[name] = buffer.ToArray();
            }
            var report = JsonSerializer.Deserialize<EvaluationReport>(files[JsonName(runId)], Json);
            files.Remove(JsonName(runId));
            return report?.Format == EvaluationReport.CurrentFormat && report.RunId == runId ? (report, files) : null;
        }
        catch (Exception e) when (e is CorruptArtifactException or ArtifactNotFoundException or JsonException)
        {
            return null;
        }
    }

    private static string Folder(string name) => name[..name.LastIndexOf('/')];

    private static string FileName(string name) => name[(name.LastIndexOf('/') + 1)..];
}
