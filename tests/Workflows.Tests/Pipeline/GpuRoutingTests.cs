using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using RankDistill.Activities.Pipeline;
using RankDistill.TaskHub;
using RankDistill.TaskHub.Gpu;
using RankDistill.Workflows.Orchestrations;
using RankDistill.Workflows.Tests.Demo;

namespace RankDistill.Workflows.Tests.Pipeline;

/// <summary>
/// A host that serves only the default queue (as <c>serve</c> does) never trains: its pipeline's first GPU step waits in
/// the gpu hub, not failed, until a GPU worker process (<c>worker --queues gpu</c>) joins the same hub and runs every
/// training and labelling step, after which the run completes.
/// </summary>
public sealed class GpuRoutingTests
{
    [Fact]
    public async Task CpuOnlyHostAndGpuWorkerProcess_TrainingRunsOnlyOnTheGpuWorker_WaitingUntilItJoins()
    {
        var ct = TestContext.Current.CancellationToken;
        using var data = new TemporaryFolder();
        const string dropId = "routed";
        var runId = DistillationPipeline.InstanceIdFor(dropId);
        var logs = new CapturedLogs();
        await using var cpu = await PipelineTestHost.StartAsync(data.Path, services: s => s.AddLogging(b => b.AddProvider(logs)),
            queues: new Dictionary<string, int> { [TaskQueues.Default] = 2 });
        await TinyWorld.WriteDropAsync(cpu.Store, dropId);
        Assert.True((await PipelineSubmission.SubmitAsync(cpu.Client, dropId, cpu.Settings.Pipeline.Settings, ct)).Started);

        // No GPU worker yet: CPT is handed to the gpu hub and waits there; the pipeline runs on.
        await Poll.UntilAsync(async () => await FindStepAsync(cpu.GpuClient, runId, nameof(ContinuedPretraining), ct) is not null, "CPT handed to the gpu hub", TimeSpan.FromMinutes(2));
        Assert.Equal(OrchestrationRuntimeStatus.Pending, (await FindStepAsync(cpu.GpuClient, runId, nameof(ContinuedPretraining), ct))!.RuntimeStatus);
        Assert.Equal(OrchestrationRuntimeStatus.Running, (await cpu.Client.GetInstanceAsync(runId, ct))!.RuntimeStatus);
        Assert.Empty(await cpu.Store.ListAsync(RunLayout.Checkpoints(runId, RunLayout.Stages.ContinuedPretraining), ct).ToListAsync(ct));

        using var gpu = HostProcess.Start(data.Path, "worker", "--queues", "gpu=1", "--data", data.Path, "--Torch:Device=cpu", "--Torch:Threads=1");
        var done = await cpu.WaitAsync(runId, TimeSpan.FromMinutes(3));

        Assert.True(done.RuntimeStatus == OrchestrationRuntimeStatus.Completed, $"{done.RuntimeStatus}: {done.FailureDetails}\n{gpu.Output}");
        // The activities log each training stage they start (event 5003): all in the GPU worker, none in this host.
        foreach (var stage in new[] { RunLayout.Stages.ContinuedPretraining, RunLayout.Stages.RankFinetuning, RunLayout.Stages.Distillation })
            Assert.Contains($"{stage} of run {runId}:", gpu.Output, StringComparison.Ordinal);
        Assert.Contains($"TeacherLabeling of run {runId}: shard 0 scored", gpu.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(logs.Messages, m => m.EventId is 5003 or 5005);
        Assert.Contains(logs.Messages, m => m.EventId == 5002); // PrepareData ran here, on the default queue
    }

    private static async Task<OrchestrationMetadata?> FindStepAsync(DurableTaskClient gpuHub, string runId, string activity, CancellationToken ct)
    {
        await foreach (var step in gpuHub.GetAllInstancesAsync(new OrchestrationQuery { InstanceIdPrefix = runId, FetchInputsAndOutputs = true }).WithCancellation(ct))
        {
            if (step.ReadInputAs<GpuStepInput>()?.Activity == activity)
                return step;
        }
        return null;
    }

    /// <summary>Every log message of the host under test, with its event id.</summary>
    private sealed class CapturedLogs : ILoggerProvider
    {
        private readonly List<(int EventId, string Text)> _messages = [];

        public IReadOnlyList<(int EventId, string Text)> Messages
        {
            get
            {
                lock (_messages)
                    return [.. _messages];
            }
        }

        public ILogger CreateLogger(string categoryName) => new Logger(this);

        public void Dispose()
        {
        }

        private sealed class Logger(CapturedLogs logs) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                lock (logs._messages)
                    logs._messages.Add((eventId.Id, formatter(state, exception)));
            }
        }
    }
}
