using Microsoft.DurableTask;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using RankDistill.Activities.Pipeline;
using RankDistill.Activities.Storage;
using RankDistill.Models.Bert;
using RankDistill.Models.Devices;
using RankDistill.Models.Metrics;
using RankDistill.Models.Onnx;
using RankDistill.TaskHub.Worker;

namespace RankDistill.Activities.Reporting;

/// <summary>
/// The Publish step: applies the gates (<see cref="PublishDecision"/>), re-scoring the published model on this run's
/// test lists for the no-regression gate rather than trusting numbers from another test set. Promotion copies the
/// student's folder to <c>models/published/&lt;run-id&gt;/</c> with published.json and model.onnx (the student as ONNX
/// Runtime serves it: <see cref="BertOnnxExport"/>), the teacher's to <c>models/published/teachers/&lt;run-id&gt;/</c>,
/// and then points
/// <c>models/published/current.json</c> at it. A failed gate is an answer, not an error: Promoted is false and the
/// reason carries the numbers. The decision is written into the run's report. Idempotent: once the pointer names
/// this run, a re-run returns the promotion it made.
/// </summary>
public sealed class Publish(
    IArtifactStore store,
    IOptions<DeviceOptions> deviceOptions,
    IOptions<EvaluationOptions> options,
    ActivityCancellation cancellation,
    ILogger<Publish> logger) : TaskActivity<PublishRequest, PublishResult>
{
    public override async Task<PublishResult> RunAsync(TaskActivityContext context, PublishRequest input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        var ct = cancellation.Token;
        var runId = input.RunId;
        var target = PublishedModel.PathOf(runId);
        var current = await PublishedModel.ReadCurrentAsync(store, ct);

        PublishResult result;
        if (current?.RunId == runId && await store.OpenSetAsync(target, ct) is not null)
        {
            Logs.AlreadyPublished(logger, runId, target);
            result = new PublishResult(true, current.Reason, target, current.PublishedBefore);
        }
        else
        {
            var incumbent = current is not null && input.Settings.Publish.RequireNoRegression
                ? new PublishDecision.Incumbent(current.RunId, await ScorePublishedAsync(current, input))
                : null;
            var (promote, reason) = PublishDecision.Decide(input.Evaluation, input.Settings.Publish, incumbent);
            if (promote)
            {
                await PromoteAsync(input, target, reason, current?.RunId, ct);
                Logs.Promoted(logger, runId, target, reason);
                result = new PublishResult(true, reason, target, current?.RunId);
            }
            else
            {
                Logs.NotPromoted(logger, runId, reason);
                result = new PublishResult(false, reason, null, current?.RunId);
            }
        }
        await RecordInReportAsync(runId, result, ct);
        return result;
    }

    /// <summary>NDCG@5 of the published model on this run's test lists, scored as Evaluation scores the student.</summary>
    private async Task<double> ScorePublishedAsync(PublishedModel current, PublishRequest input)
    {
        var ct = cancellation.Token;
        var device = TorchRuntime.Configure(deviceOptions.Value, logger);
        var test = await TestSet.ReadAsync(store, input.RunId, ct);
        using var scratch = StageScratch.Create(input.RunId, RunLayout.Stages.Publish, logger, options.Value.WorkDirectory);
        LoadedRanker ranker;
        try
        {
            ranker = await LoadedRanker.LoadAsync(store, current.Path, RankerKind.Bert, scratch.Path, device, ct);
        }
        catch (Exception e) when (e is ArtifactNotFoundException or CorruptArtifactException)
        {
            throw new InvalidDataException(
                $"'{PublishedModel.CurrentPointer}' names run {current.RunId} at '{current.Path}', which cannot be read ({e.Message}); the no-regression gate cannot be checked.", e);
        }
        using (ranker)
        {
            Logs.Scoring(logger, input.RunId, test.Lists.Count, test.Documents, $"the published model of run {current.RunId}");
            var scores = ranker.ScoreLists(test.Lists, input.Settings.MaxSequenceLength, null, ct);
            return RankingMetrics.Evaluate(test.Ranked(scores)).Ndcg5;
        }
    }

    /// <summary>
    /// Copies the student's set under <paramref name="target"/> with published.json and model.onnx, and the teacher's
    /// set (when the run names it) under <see cref="PublishedModel.TeacherPathOf"/>, then moves the pointer: both are in
    /// place before the pointer names them.
    /// </summary>
    private async Task PromoteAsync(PublishRequest input, string target, string reason, string? publishedBefore, CancellationToken ct)
    {
        var teacherTarget = input.TeacherModelPath is null ? null : PublishedModel.TeacherPathOf(input.RunId);
        using var scratch = StageScratch.Create(input.RunId, RunLayout.Stages.Publish, logger, options.Value.WorkDirectory);
        var folder = scratch.Folder("student");
        await (await store.GetSetAsync(input.StudentModelPath, ct)).DownloadAsync(folder, ct);
        var graph = Path.Combine(scratch.Path, BertOnnxExport.FileName);
        // On the CPU whatever the device: export only reads the weights.
        var (student, _) = BertCheckpoint.LoadRanker(folder);
        using (student)
            BertOnnxExport.Write(student, graph);
        var record = new PublishedModel(
            input.RunId, target, input.StudentModelPath, input.Evaluation.TestQueries, input.Evaluation.Student, input.Evaluation.Teacher, reason,
            publishedBefore, teacherTarget);
        await CopySetAsync(input.StudentModelPath, target,
            [ArtifactSetFile.FromFile(BertOnnxExport.FileName, graph), ArtifactSetFile.FromBytes(PublishedModel.FileName, record.ToUtf8())], ct);
        if (teacherTarget is not null)
            await CopySetAsync(input.TeacherModelPath!, teacherTarget, [], ct);
        await store.WriteAsync(PublishedModel.CurrentPointer, record.ToUtf8(), ct);
    }

    private async Task CopySetAsync(string from, string to, IEnumerable<ArtifactSetFile> extra, CancellationToken ct)
    {
        var source = await store.GetSetAsync(from, ct);
        var files = source.Files
            .Where(f => f.Name != BertOnnxExport.FileName)
            .Select(f => new ArtifactSetFile(f.Name, async (destination, token) =>
            {
                await using var stream = await source.OpenReadAsync(f.Name, token);
                await stream.CopyToAsync(destination, token);
            }))
            .Concat(extra);
        await store.PublishSetAsync(to, files, ct);
    }

    /// <summary>Writes the decision into report.json and report.html; skipped (with a warning) when the run has no readable report.</summary>
    private async Task RecordInReportAsync(string runId, PublishResult result, CancellationToken ct)
    {
        var stored = await ReportSet.ReadForRewriteAsync(store, runId, ct);
        if (stored is not { } found)
        {
            Logs.ReportNotUpdated(logger, runId);
            return;
        }
        var (report, trec) = found;
        var promotion = new PromotionStatus(result.Promoted, result.Reason, result.PublishedPath, result.PublishedBefore);
        if (report.Promotion != promotion || await store.OpenSetAsync(ReportSet.Prefix(runId), ct) is null)
            await ReportSet.PublishAsync(store, report with { Promotion = promotion }, trec, ct);
    }
}
