using System.Text.Json;
using Microsoft.DurableTask;
using RankDistill.Activities.Pipeline;
using RankDistill.Activities.Reporting;
using RankDistill.Activities.Storage;
using RankDistill.Models.Metrics;
using RankDistill.Models.Training;
using RankDistill.TaskHub;
using RankDistill.TaskHub.Hosting;
using RankDistill.Workflows.Orchestrations;

namespace RankDistill.Workflows.Tests.Dashboard;

/// <summary>
/// A test pipeline with the real pipeline's shape (the real one, DistillationPipeline, is <see cref="PipelineUnderTest"/>
/// in the browser tests): custom status <c>{ step, progress, detail }</c> with RunLayout's stage names; a first step
/// that fails once and is retried after a durable wait; loss.jsonl written at RunLayout.LossLog for cpt, sft, mlm and
/// distill; a labelling sub-orchestration (tagged with its parent, as the real one) fanning out over shards (one fails
/// once); the report set (report.json and report.html) written by the product's own ReportSet, with made-up numbers and
/// the default gates' decision on them; output with runId, promoted and reason. Everything it does is real engine work
/// on the real host: only the "training" is made up. Its tasks run on the default queue, so a host without GPU workers
/// runs it; only <see cref="GpuCallerName"/> calls a GPU step. A step fails "once" by leaving a marker in the run's
/// folder on its first attempt (the SDK's activity context has no attempt number).
/// </summary>
internal static class MimicPipeline
{
    public const string Name = "MimicDistillationPipeline";
    public const int Shards = 4;
    public const int TrainingSteps = 60;
    private const int TestQueries = 40;

    /// <summary>Step names as the timeline shows them (prefixed, so they never clash with the real pipeline's tasks).</summary>
    public static readonly string[] StepNames = ["MimicPrepareData", "MimicTrain", "MimicTrain", "MimicLabeling", "MimicTrain", "MimicTrain", "MimicEvaluate"];

    public static void Register(TaskHubBuilder builder) => builder
        .AddTasks(TaskQueues.Default, tasks => tasks
            .AddOrchestrator<Orchestrator>()
            .AddOrchestrator<Labeling>()
            .AddOrchestrator<GpuCaller>()
            .AddActivity<PrepareData>()
            .AddActivity<Train>()
            .AddActivity<LabelShard>()
            .AddActivity<Evaluate>());

    /// <summary>The orchestration that calls <see cref="GpuStepName"/> and nothing else.</summary>
    public const string GpuCallerName = "MimicGpuStep";

    /// <summary>The GPU step <see cref="GpuCallerName"/> calls.</summary>
    public const string GpuStepName = nameof(ContinuedPretraining);

    /// <summary>The labelling child's instance id, as the real pipeline names its child.</summary>
    public static string LabelingInstanceId(string parentInstanceId) => $"{parentInstanceId}:labeling";

    /// <param name="RunId">Names the run's artifact folder, as the real pipeline's input does.</param>
    /// <param name="DropId">The click-log drop the run is for.</param>
    /// <param name="HoldForEvent">When set, the pipeline waits after SFT for an external event of this name (a running instance to act on).</param>
    /// <param name="FailMarker">When this file exists, every attempt of evaluation fails (a failed instance to rewind once the file is gone).</param>
    /// <param name="Note">Goes into evaluation's failure message: lets a test plant a secret where an exception could carry one.</param>
    public sealed record Input(string RunId, string DropId, string? HoldForEvent = null, string? FailMarker = null, string? Note = null);

    public static Input NewInput(string dropId, string? holdForEvent = null, string? failMarker = null, string? note = null) =>
        new($"run-{dropId}", dropId, holdForEvent, failMarker, note);

    public sealed record Output(string RunId, string DropId, bool Promoted, string Reason, double StudentNdcgAt10, string Model);

    public sealed record TrainInput(string RunId, string Stage, int Steps);

    public sealed record ShardInput(string RunId, int Shard);

    private static readonly TaskOptions _retry = TaskOptions.FromRetryPolicy(new RetryPolicy(maxNumberOfAttempts: 3, firstRetryInterval: TimeSpan.FromMilliseconds(150)));

    [DurableTask(Name)]
    private sealed class Orchestrator : TaskOrchestrator<Input, Output>
    {
        public override async Task<Output> RunAsync(TaskOrchestrationContext context, Input input)
        {
            context.SetCustomStatus(Status(RunLayout.Stages.PrepareData, 0, $"reading drop {input.DropId}"));
            await context.CallActivityAsync<string>("MimicPrepareData", input, _retry);
            context.SetCustomStatus(Status(RunLayout.Stages.ContinuedPretraining, 0.15, "causal LM on clicked titles"));
            await context.CallActivityAsync<double>("MimicTrain", new TrainInput(input.RunId, RunLayout.Stages.ContinuedPretraining, TrainingSteps));
            context.SetCustomStatus(Status(RunLayout.Stages.RankFinetuning, 0.3, "rank loss"));
            await context.CallActivityAsync<double>("MimicTrain", new TrainInput(input.RunId, RunLayout.Stages.RankFinetuning, TrainingSteps));
            if (input.HoldForEvent is { } eventName)
            {
                context.SetCustomStatus(Status(RunLayout.Stages.TeacherLabeling, 0.45, $"waiting for event '{eventName}'"));
                await context.WaitForExternalEvent<JsonElement>(eventName);
            }
            context.SetCustomStatus(Status(RunLayout.Stages.TeacherLabeling, 0.5, $"{Shards} shards"));
            await context.CallSubOrchestratorAsync<int>("MimicLabeling", input.RunId, new SubOrchestrationOptions(
                new TaskOptions(tags: new Dictionary<string, string> { [PipelineCalls.ParentTag] = context.InstanceId }), LabelingInstanceId(context.InstanceId)));
            context.SetCustomStatus(Status(RunLayout.Stages.StudentPretraining, 0.6, "masked LM"));
            await context.CallActivityAsync<double>("MimicTrain", new TrainInput(input.RunId, RunLayout.Stages.StudentPretraining, TrainingSteps));
            context.SetCustomStatus(Status(RunLayout.Stages.Distillation, 0.7, "hybrid point-wise + margin MSE"));
            await context.CallActivityAsync<double>("MimicTrain", new TrainInput(input.RunId, RunLayout.Stages.Distillation, TrainingSteps));
            context.SetCustomStatus(Status(RunLayout.Stages.Evaluation, 0.9, "teacher vs student vs BM25"));
            var decision = await context.CallActivityAsync<Decision>("MimicEvaluate", input, _retry);
            context.SetCustomStatus(Status(RunLayout.Stages.Publish, 1, decision.Promoted ? "promoted" : "not promoted"));
            return new Output(input.RunId, input.DropId, decision.Promoted, decision.Reason, decision.StudentNdcgAt10, RunLayout.Model(input.RunId, RunLayout.Stages.Distillation));
        }

        private static object Status(string step, double progress, string detail) => new { step, progress, detail };
    }

    /// <summary>The teacher-labelling shape: a sub-orchestration fanning out over shards; shard 2 fails once and is retried.</summary>
    [DurableTask("MimicLabeling")]
    private sealed class Labeling : TaskOrchestrator<string, int>
    {
        public override async Task<int> RunAsync(TaskOrchestrationContext context, string runId)
        {
            var shards = Enumerable.Range(0, Shards)
                .Select(i => context.CallActivityAsync<int>("MimicLabelShard", new ShardInput(runId, i), _retry));
            return (await Task.WhenAll(shards)).Sum();
        }
    }

    /// <summary>
    /// Calls a real GPU step (every process, the CLI's too, knows it runs on the <c>gpu</c> queue): the default worker
    /// forwards it to the gpu hub, which the test hosts serve only when asked to. Without a GPU worker it waits there, it
    /// does not fail; nothing ever runs it, so its input need not be a real request.
    /// </summary>
    [DurableTask(GpuCallerName)]
    private sealed class GpuCaller : TaskOrchestrator<string, string>
    {
        public override Task<string> RunAsync(TaskOrchestrationContext context, string input) =>
            context.CallActivityAsync<string>(GpuStepName, input);
    }

    [DurableTask("MimicPrepareData")]
    private sealed class PrepareData(IArtifactStore store) : TaskActivity<Input, string>
    {
        public override async Task<string> RunAsync(TaskActivityContext context, Input input) =>
            await FirstAttemptAsync(store, input.RunId, "prepare")
                ? throw new IOException($"drop {input.DropId} is still being copied (transient)")
                : $"prepared {input.DropId}";
    }

    /// <summary>True the first time a run asks about <paramref name="step"/>: a marker in the run's folder remembers it across attempts.</summary>
    private static async Task<bool> FirstAttemptAsync(IArtifactStore store, string runId, string step)
    {
        var marker = $"runs/{runId}/mimic/{step}-attempted";
        if (await store.GetInfoAsync(marker, CancellationToken.None) is not null)
            return false;
        await store.WriteAsync(marker, "attempted"u8.ToArray(), CancellationToken.None);
        return true;
    }

    [DurableTask("MimicTrain")]
    private sealed class Train(IArtifactStore store) : TaskActivity<TrainInput, double>
    {
        public override async Task<double> RunAsync(TaskActivityContext context, TrainInput input)
        {
            var lines = new List<string>();
            var options = new JsonSerializerOptions { DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull };
            var start = input.Stage switch { RunLayout.Stages.ContinuedPretraining => 6.0, RunLayout.Stages.RankFinetuning => 0.9, _ => 0.4 };
            var loss = start;
            for (var step = 1; step <= input.Steps; step++)
            {
                // A made-up but plausible curve: exponential decay with a little deterministic wobble.
                loss = (start * Math.Exp(-step / 18.0)) + (start * 0.05) + (0.02 * start * Math.Sin(step * 1.7));
                lines.Add(JsonSerializer.Serialize(new LossLogEntry { Step = step, Loss = loss, LearningRate = 3e-4 * Math.Min(1, step / 10.0), GradNorm = 1.0 / step, Epoch = step / 30 }, options));
                if (step % 20 == 0)
                    lines.Add(JsonSerializer.Serialize(new LossLogEntry { Step = step, Eval = new Dictionary<string, double> { ["val_loss"] = loss * 1.1 } }, options));
            }
            await store.WriteAsync(RunLayout.LossLog(input.RunId, input.Stage), System.Text.Encoding.UTF8.GetBytes(string.Join('\n', lines) + "\n"), CancellationToken.None);
            return loss;
        }
    }

    [DurableTask("MimicLabelShard")]
    private sealed class LabelShard(IArtifactStore store) : TaskActivity<ShardInput, int>
    {
        public override async Task<int> RunAsync(TaskActivityContext context, ShardInput input) =>
            input.Shard == 2 && await FirstAttemptAsync(store, input.RunId, $"shard-{input.Shard}")
                ? throw new TimeoutException($"shard {input.Shard}: scoring timed out (transient)")
                : 100 + input.Shard;
    }

    [DurableTask("MimicEvaluate")]
    private sealed class Evaluate(IArtifactStore store) : TaskActivity<Input, Decision>
    {
        public override async Task<Decision> RunAsync(TaskActivityContext context, Input input)
        {
            if (input.FailMarker is { } marker && File.Exists(marker))
                throw new InvalidDataException($"evaluation set of run {input.RunId} is empty ({input.Note})");
            var report = Report(input.RunId);
            // The product's own writer: report.json and report.html as one set, as Evaluation and Publish leave them.
            var trec = new Dictionary<string, byte[]> { [ReportSet.TeacherRun] = [], [ReportSet.StudentRun] = [], [ReportSet.Bm25Run] = [], [ReportSet.Qrels] = [] };
            await ReportSet.PublishAsync(store, report, trec, CancellationToken.None);
            await store.WriteAsync($"{RunLayout.Model(input.RunId, RunLayout.Stages.Distillation)}/config.json", "{\"model_type\":\"bert\"}"u8.ToArray(), CancellationToken.None);
            return new Decision(report.Student.Ndcg10, report.Promotion!.Promoted, report.Promotion.Reason);
        }
    }

    public sealed record Decision(double StudentNdcgAt10, bool Promoted, string Reason);

    /// <summary>Made-up numbers in the product's report type; the promotion is the default gates' decision on them.</summary>
    private static EvaluationReport Report(string runId)
    {
        var teacher = Ranking(0.58, 0.62, 0.66, 0.71, 0.64, 2.91);
        var student = Ranking(0.55, 0.60, 0.63, 0.68, 0.61, 2.64);
        var bm25 = Ranking(0.41, 0.45, 0.49, 0.54, 0.47, 1.62);
        var result = new EvaluationResult(Metrics(teacher), Metrics(student), Metrics(bm25), TestQueries, 180, 2450, RunLayout.ReportJson(runId));
        var (promoted, reason) = PublishDecision.Decide(result, new PublishGates(), null);
        return new EvaluationReport
        {
            RunId = runId,
            TestQueries = TestQueries,
            EvaluatedQueries = TestQueries,
            SkippedQueries = 0,
            TestDocuments = 10 * TestQueries,
            Teacher = teacher,
            Student = student,
            Bm25 = bm25,
            Throughput = new ThroughputReport(64, 8, 1, "cpu", 1, 48, 64 / 180.0, 64 / 2450.0, 180, 2450, 2450 / 180.0),
            LossCurves = [],
            Files = new ReportFiles(ReportSet.TeacherRun, ReportSet.StudentRun, ReportSet.Bm25Run, ReportSet.Qrels),
            Result = result,
            Promotion = new PromotionStatus(promoted, reason, promoted ? PublishedModel.PathOf(runId) : null),
        };

        static RankingReport Ranking(double ndcg1, double ndcg3, double ndcg5, double ndcg10, double mrr, double pnr) =>
            new(TestQueries, TestQueries, 0, ndcg1, ndcg3, ndcg5, ndcg10, mrr, pnr, pnr / (1 + pnr), 0, 0, 0);

        static RankerMetrics Metrics(RankingReport r) => new(r.Ndcg1, r.Ndcg3, r.Ndcg5, r.Ndcg10, r.Pnr, r.Mrr10);
    }
}
