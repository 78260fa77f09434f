using System.Text.Json;
using Microsoft.DurableTask;
using RankDistill.Activities.Pipeline;
using RankDistill.Activities.Storage;
using RankDistill.Models.Training;
using RankDistill.TaskHub;
using RankDistill.TaskHub.Hosting;
using RankDistill.Workflows.Orchestrations;

namespace RankDistill.Workflows.Tests.Dashboard;

/// <summary>
/// A test pipeline with the real pipeline's shape (and the browser tests' stand-in for it until DistillationPipeline is
/// merged, see <see cref="PipelineUnderTest"/>):
/// custom status <c>{ step, progress, detail }</c> with RunLayout's stage names; a first step that fails once and is
/// retried after a durable wait; loss.jsonl written at RunLayout.LossLog for cpt, sft, mlm and distill; a labelling
/// sub-orchestration (tagged with its parent, as the real one) fanning out over shards (one fails once); report.json at
/// RunLayout.ReportJson; output with runId, promoted and reason. Everything it does is real engine work on the real
/// host: only the "training" is made up. Its tasks run on the default queue, so a host without GPU workers runs it;
/// only <see cref="GpuCallerName"/> calls a GPU step. A step fails "once" by leaving a marker in
/// the run's folder on its first attempt (the SDK's activity context has no attempt number).
/// </summary>
internal static class MimicPipeline
{
    public const string Name = "MimicDistillationPipeline";
    public const int Shards = 4;
    public const int TrainingSteps = 60;

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
            var ndcg = await context.CallActivityAsync<double>("MimicEvaluate", input, _retry);
            context.SetCustomStatus(Status(RunLayout.Stages.Publish, 1, "promoted"));
            return new Output(input.RunId, input.DropId, true, $"student NDCG@10 {ndcg:0.000} passes the gate 0.600", ndcg, RunLayout.Model(input.RunId, RunLayout.Stages.Distillation));
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
    private sealed class Evaluate(IArtifactStore store) : TaskActivity<Input, double>
    {
        public override async Task<double> RunAsync(TaskActivityContext context, Input input)
        {
            if (input.FailMarker is { } marker && File.Exists(marker))
                throw new InvalidDataException($"evaluation set of run {input.RunId} is empty ({input.Note})");
            var report = new
            {
                runId = input.RunId,
                k = 10,
                rankers = new Dictionary<string, object>
                {
                    ["teacher"] = new Dictionary<string, double> { ["ndcg@1"] = 0.58, ["ndcg@5"] = 0.66, ["ndcg@10"] = 0.71, ["pnr"] = 2.91, ["mrr"] = 0.64, ["docsPerSecond"] = 180 },
                    ["student"] = new Dictionary<string, double> { ["ndcg@1"] = 0.55, ["ndcg@5"] = 0.63, ["ndcg@10"] = 0.68, ["pnr"] = 2.64, ["mrr"] = 0.61, ["docsPerSecond"] = 2450 },
                    ["bm25"] = new Dictionary<string, double> { ["ndcg@1"] = 0.41, ["ndcg@5"] = 0.49, ["ndcg@10"] = 0.54, ["pnr"] = 1.62, ["mrr"] = 0.47, ["docsPerSecond"] = 52000 },
                },
                promotion = new { promoted = true, reason = "student NDCG@10 0.680 passes the gate 0.600 and is within 0.05 of the teacher" },
            };
            await store.WriteAsync(RunLayout.ReportJson(input.RunId), JsonSerializer.SerializeToUtf8Bytes(report), CancellationToken.None);
            await store.WriteAsync($"{RunLayout.Model(input.RunId, RunLayout.Stages.Distillation)}/config.json", "{\"model_type\":\"bert\"}"u8.ToArray(), CancellationToken.None);
            return 0.68;
        }
    }
}
