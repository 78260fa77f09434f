using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using RankDistill.Activities.Pipeline;
using RankDistill.Activities.Storage;
using RankDistill.Models.Training;
using RankDistill.Workflows.Dashboard.Api;

namespace RankDistill.Workflows.Dashboard;

/// <summary>
/// A pipeline run's artifacts as the dashboard reads them, at the paths <see cref="RunLayout"/> spells: loss curves,
/// the evaluation report, the manifest. Only what the pages link is ever served: a run's manifest, report
/// (report.json, report.html), loss logs and progress, its trained models, and <c>models/</c>. Drops
/// (<c>clicklogs/</c>), human labels and every run file made from them (prepared data, rejected rows with session
/// ids, the qrels, teacher labels, checkpoints) stay out of reach of the web.
/// </summary>
public sealed partial class RunArtifacts(IArtifactStore store, SecretScrubber scrubber)
{
    /// <summary>Reports are small; anything larger is not a report.</summary>
    private const int MaxReportBytes = 8 << 20;

    private static readonly JsonSerializerOptions _lossJson = new();

    /// <summary>A run id is one path segment of letters, digits, <c>.</c>, <c>_</c> and <c>-</c>.</summary>
    public static bool IsValidRunId(string? runId) => runId is not null && RunIdPattern().IsMatch(runId) && ArtifactName.IsValid(RunLayout.Manifest(runId));

    /// <summary>Whether <paramref name="name"/> is a valid artifact name the dashboard may serve (a file, or a model folder to list).</summary>
    public static bool IsServable(string? name) =>
        name is not null && ArtifactName.IsValid(name) && (name.StartsWith("models/", StringComparison.Ordinal) || IsServedRunFile(name));

    public static ArtifactLink Link(string name, long? size) => new(name, "/api/artifacts/" + string.Join('/', name.Split('/').Select(Uri.EscapeDataString)), size);

    /// <summary>Which of the run's well-known artifacts exist.</summary>
    public async Task<RunInfo> DescribeAsync(string runId, CancellationToken cancellationToken)
    {
        var stages = new List<string>();
        foreach (var stage in RunLayout.TrainingStages)
        {
            if (await store.GetInfoAsync(RunLayout.LossLog(runId, stage), cancellationToken) is not null)
                stages.Add(stage);
        }
        return new RunInfo(runId, stages,
            await LinkIfExistsAsync(RunLayout.ReportJson(runId), cancellationToken),
            await LinkIfExistsAsync(RunLayout.ReportHtml(runId), cancellationToken),
            await LinkIfExistsAsync(RunLayout.Manifest(runId), cancellationToken));
    }

    /// <summary>The stage's loss curve, at most <paramref name="maxPoints"/> training points; null when the run has none (yet).</summary>
    public async Task<LossCurve?> GetLossAsync(string runId, string stage, int maxPoints, CancellationToken cancellationToken)
    {
        if (!IsValidRunId(runId) || !RunLayout.TrainingStages.Contains(stage))
            return null;
        Stream stream;
        try
        {
            stream = await store.OpenReadAsync(RunLayout.LossLog(runId, stage), cancellationToken);
        }
        catch (ArtifactNotFoundException)
        {
            return null;
        }
        var points = new List<LossPoint>();
        var evaluations = new List<EvalPoint>();
        await using (stream)
        {
            using var reader = new StreamReader(stream);
            while (await reader.ReadLineAsync(cancellationToken) is { } line)
            {
                if (Parse(line) is not { } entry)
                    continue;
                if (entry.Eval is { Count: > 0 } metrics)
                    evaluations.Add(new EvalPoint(entry.Step, metrics.Where(m => double.IsFinite(m.Value)).ToDictionary()));
                if (entry.Loss is not null || entry.Eval is null)
                    points.Add(new LossPoint(entry.Step, Finite(entry.Loss), Finite(entry.LearningRate), Finite(entry.GradNorm), entry.Epoch));
            }
        }
        return new LossCurve(runId, stage, points.Count, Thin(points, Math.Max(2, maxPoints)), evaluations);
    }

    /// <summary>The run's <c>report.json</c>, secrets scrubbed; null when it does not exist (yet).</summary>
    public async Task<JsonNode?> GetReportAsync(string runId, CancellationToken cancellationToken)
    {
        if (!IsValidRunId(runId))
            return null;
        try
        {
            var bytes = await store.ReadAllBytesAsync(RunLayout.ReportJson(runId), MaxReportBytes, cancellationToken);
            return scrubber.ParseAndScrub(System.Text.Encoding.UTF8.GetString(bytes));
        }
        catch (ArtifactNotFoundException)
        {
            return null;
        }
    }

    /// <summary>Size and ETag of a servable artifact, or null (also for names that may not be served).</summary>
    public Task<ArtifactInfo?> GetInfoAsync(string name, CancellationToken cancellationToken) =>
        IsServable(name) ? store.GetInfoAsync(name, cancellationToken) : Task.FromResult<ArtifactInfo?>(null);

    /// <summary>Opens a servable artifact; check <see cref="GetInfoAsync"/> first.</summary>
    public Task<Stream> OpenReadAsync(string name, CancellationToken cancellationToken)
    {
        if (!IsServable(name))
            throw new InvalidArtifactNameException(name, "the dashboard serves only a run's manifest, report, loss logs, progress and models, and models/");
        return store.OpenReadAsync(name, cancellationToken);
    }

    /// <summary>Up to <paramref name="limit"/> artifacts under the folder <paramref name="name"/> (a model).</summary>
    public async Task<IReadOnlyList<ArtifactLink>> ListAsync(string name, int limit, CancellationToken cancellationToken)
    {
        var links = new List<ArtifactLink>();
        if (!IsServable(name))
            return links;
        await foreach (var info in store.ListAsync(name.TrimEnd('/') + "/", cancellationToken))
        {
            if (IsServable(info.Name))
                links.Add(Link(info.Name, info.Size));
            if (links.Count >= limit)
                break;
        }
        return links;
    }

    // A run's files the pages link, by their RunLayout names; anything else under runs/ is not served.
    private static bool IsServedRunFile(string name)
    {
        if (RunFilePattern().Match(name) is not { Success: true } match)
            return false;
        var (runId, rest) = (match.Groups["run"].Value, match.Groups["rest"].Value);
        var file = RunLayout.Root(runId) + "/" + rest;
        return file == RunLayout.Manifest(runId) || file == RunLayout.ReportJson(runId) || file == RunLayout.ReportHtml(runId)
            || RunLayout.TrainingStages.Any(stage => file == RunLayout.LossLog(runId, stage) || file == RunLayout.Progress(runId, stage))
            || RunLayout.TrainingStages.Any(stage => file == RunLayout.Model(runId, stage) || file.StartsWith(RunLayout.Model(runId, stage) + "/", StringComparison.Ordinal));
    }

    private async Task<ArtifactLink?> LinkIfExistsAsync(string name, CancellationToken cancellationToken) =>
        await store.GetInfoAsync(name, cancellationToken) is { } info ? Link(info.Name, info.Size) : null;

    // A torn last line (the trainer is writing it) or a malformed one is skipped: the curve shows what can be read.
    private static LossLogEntry? Parse(string line)
    {
        if (string.IsNullOrWhiteSpace(line))
            return null;
        try
        {
            return JsonSerializer.Deserialize<LossLogEntry>(line, _lossJson);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    // Evenly spaced points with the first and last kept, so a long run still draws its whole shape.
    private static List<LossPoint> Thin(List<LossPoint> points, int max)
    {
        if (points.Count <= max)
            return points;
        var stride = (double)(points.Count - 1) / (max - 1);
        return [.. Enumerable.Range(0, max).Select(i => points[(int)Math.Round(i * stride)])];
    }

    // JSON has no NaN or infinity; a diverged loss shows as a gap.
    private static double? Finite(double? value) => value is { } v && double.IsFinite(v) ? v : null;

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$", RegexOptions.CultureInvariant)]
    private static partial Regex RunIdPattern();

    [GeneratedRegex("^runs/(?<run>[^/]+)/(?<rest>.+)$", RegexOptions.CultureInvariant)]
    private static partial Regex RunFilePattern();
}
