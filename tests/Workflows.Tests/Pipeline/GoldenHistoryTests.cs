using DurableTask.Core;
using DurableTask.Core.Command;
using DurableTask.Core.Exceptions;
using DurableTask.Core.History;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Worker.Shims;
using Newtonsoft.Json;
using RankDistill.Activities.Pipeline;
using RankDistill.TaskHub;
using RankDistill.Workflows.Orchestrations;
using RankDistill.Workflows.Tests.Demo;

namespace RankDistill.Workflows.Tests.Pipeline;

/// <summary>
/// Histories the real <see cref="DistillationPipeline"/>, its labelling child and <see cref="AblationStudy"/> recorded (Tiny runs, committed under
/// Golden/) must replay on today's code to the same result: a change that would break runs in flight fails here
/// first. DurableTask.Core replays them exactly as a worker does after a restart, through the SDK's shims. A changed
/// orchestrator fails with DurableTask.Core's non-determinism error, naming what the history holds.
/// </summary>
public sealed class GoldenHistoryTests
{
    private static string Golden(string name) => Path.Combine(AppContext.BaseDirectory, "Golden", name);

    [Theory]
    [InlineData("distillation-pipeline.json", nameof(DistillationPipeline))]
    [InlineData("teacher-labeling-shards.json", nameof(TeacherLabelingShards))]
    [InlineData("ablation-study.json", nameof(AblationStudy))]
    public void GoldenHistory_ReplayedByTodaysOrchestrator_CompletesWithTheRecordedOutput(string file, string orchestrator)
    {
        var history = HistoryJson.ReadHistory(File.ReadAllText(Golden(file)));
        var recorded = history.OfType<ExecutionCompletedEvent>().Single();
        ITaskOrchestrator code = orchestrator switch
        {
            nameof(DistillationPipeline) => new DistillationPipeline(),
            nameof(AblationStudy) => new AblationStudy(),
            _ => new TeacherLabelingShards(),
        };

        var completion = Replay(history.Where(e => e is not ExecutionCompletedEvent).ToList(), orchestrator, code);

        Assert.Equal(OrchestrationStatus.Completed, completion.OrchestrationStatus);
        Assert.Equal(recorded.Result, completion.Result);
    }

    [Fact]
    public void GoldenHistory_ReplayedByAChangedOrchestrator_FailsAsNonDeterministic()
    {
        var history = HistoryJson.ReadHistory(File.ReadAllText(Golden("distillation-pipeline.json")));

        var completion = Replay(history.Where(e => e is not ExecutionCompletedEvent).ToList(), nameof(DistillationPipeline), new ReorderedPipeline());

        Assert.Equal(OrchestrationStatus.Failed, completion.OrchestrationStatus);
        Assert.Equal(typeof(NonDeterministicOrchestrationException).FullName, completion.FailureDetails!.ErrorType);
        Assert.Contains(nameof(ContinuedPretraining), completion.FailureDetails.ErrorMessage, StringComparison.Ordinal);
    }

    /// <summary>
    /// Writes the golden files from a fresh Tiny run. Run it deliberately, when a change to the pipeline is meant to
    /// break in-flight runs (and say so in the change): <c>RANKDISTILL_RECORD_GOLDEN=1 dotnet test --filter GoldenHistory_Record</c>.
    /// </summary>
    [Fact]
    public async Task GoldenHistory_Record()
    {
        Assert.SkipUnless(Environment.GetEnvironmentVariable("RANKDISTILL_RECORD_GOLDEN") == "1", "records the golden histories only when RANKDISTILL_RECORD_GOLDEN=1");
        using var data = new TemporaryFolder();
        await using var host = await PipelineTestHost.StartAsync(data.Path);
        await TinyWorld.WriteDropAsync(host.Store, "golden");
        var done = await host.RunAsync("golden");
        Assert.Equal(Microsoft.DurableTask.Client.OrchestrationRuntimeStatus.Completed, done.RuntimeStatus);
        var parent = await host.Client.GetOrchestrationHistoryAsync(done.InstanceId, TestContext.Current.CancellationToken);
        var child = parent.OfType<SubOrchestrationInstanceCreatedEvent>().Single().InstanceId;
        var source = Path.Combine(RankDistill.Testing.RepositoryRoot.Path, "tests", "Workflows.Tests", "Golden");
        await File.WriteAllTextAsync(Path.Combine(source, "distillation-pipeline.json"), JsonConvert.SerializeObject(parent, Formatting.Indented), TestContext.Current.CancellationToken);
        await File.WriteAllTextAsync(Path.Combine(source, "teacher-labeling-shards.json"),
            JsonConvert.SerializeObject(await host.Client.GetOrchestrationHistoryAsync(child, TestContext.Current.CancellationToken), Formatting.Indented), TestContext.Current.CancellationToken);
    }

    /// <summary>
    /// Writes the ablation's golden file from a fresh Tiny ablation on one seed (its arms run in parallel, so the history
    /// records one order of their completions; a replay must follow it). Run it deliberately, like
    /// <see cref="GoldenHistory_Record"/>: <c>RANKDISTILL_RECORD_GOLDEN=1 dotnet test --filter-method "*GoldenHistory_RecordAblation*"</c>.
    /// </summary>
    [Fact]
    public async Task GoldenHistory_RecordAblation()
    {
        Assert.SkipUnless(Environment.GetEnvironmentVariable("RANKDISTILL_RECORD_GOLDEN") == "1", "records the golden histories only when RANKDISTILL_RECORD_GOLDEN=1");
        using var data = new TemporaryFolder();
        await using var host = await PipelineTestHost.StartAsync(data.Path);
        await TinyWorld.WriteDropAsync(host.Store, "golden");
        var outcome = await AblationSubmission.SubmitAsync(host.Client, host.GpuClient, "golden", host.Settings.Pipeline.Settings, [1], TestContext.Current.CancellationToken);
        var done = await host.WaitAsync(outcome.InstanceId);
        Assert.Equal(Microsoft.DurableTask.Client.OrchestrationRuntimeStatus.Completed, done.RuntimeStatus);
        var history = await host.Client.GetOrchestrationHistoryAsync(done.InstanceId, TestContext.Current.CancellationToken);
        var source = Path.Combine(RankDistill.Testing.RepositoryRoot.Path, "tests", "Workflows.Tests", "Golden");
        await File.WriteAllTextAsync(Path.Combine(source, "ablation-study.json"), JsonConvert.SerializeObject(history, Formatting.Indented), TestContext.Current.CancellationToken);
    }

    /// <summary>Replays <paramref name="history"/> as a worker would and returns the completion the orchestrator decides.</summary>
    private static OrchestrationCompleteOrchestratorAction Replay(IList<HistoryEvent> history, string name, ITaskOrchestrator code)
    {
        var orchestration = new DurableTaskShimFactory().CreateOrchestration(new TaskName(name), code);
        var executor = new TaskOrchestrationExecutor(new OrchestrationRuntimeState(history), orchestration, BehaviorOnContinueAsNew.Carryover, ErrorPropagationMode.UseFailureDetails);
        return executor.Execute().Actions.OfType<OrchestrationCompleteOrchestratorAction>().Single();
    }

    /// <summary>The pipeline with its first two training steps swapped: what a careless edit would do to runs in flight.</summary>
    private sealed class ReorderedPipeline : TaskOrchestrator<PipelineInput, PipelineOutput>
    {
        public override async Task<PipelineOutput> RunAsync(TaskOrchestrationContext context, PipelineInput input)
        {
            var request = new StageRequest(input.RunId, input.DropId, input.Settings);
            await context.CallPrepareDataAsync(request);
            await context.CallWriteRunManifestAsync(new RunManifest { RunId = input.RunId, DropId = input.DropId, Settings = input.Settings, StartedAt = context.CurrentUtcDateTime });
            await context.CallRankFinetuningAsync(request);
            await context.CallContinuedPretrainingAsync(request);
            throw new InvalidOperationException("unreachable: the replay stops at the first mismatch");
        }
    }
}
