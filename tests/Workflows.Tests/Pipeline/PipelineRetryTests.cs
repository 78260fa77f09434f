using DurableTask.Core.History;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using RankDistill.Activities.Pipeline;
using RankDistill.Activities.Storage;
using RankDistill.Workflows.Hosting;
using RankDistill.Workflows.Orchestrations;
using RankDistill.Workflows.Tests.Demo;

namespace RankDistill.Workflows.Tests.Pipeline;

/// <summary>
/// A transient failure in a step is retried by the step's policy, and the run completes without redoing other steps; a
/// failure that lasts uses up the policy and fails the run with its reason.
/// </summary>
public sealed class PipelineRetryTests
{
    [Fact]
    public async Task DistillationPipeline_TransientStoreFaultInRankFinetuning_RetriesTheStepAndCompletes()
    {
        using var data = new TemporaryFolder();
        const string dropId = "flaky";
        var runId = DistillationPipeline.InstanceIdFor(dropId);
        FaultyStore? faulty = null;
        await using var host = await PipelineTestHost.StartAsync(data.Path, services: s => s.Replace(ServiceDescriptor.Singleton<IArtifactStore>(sp =>
            faulty = new FaultyStore(ArtifactStoreFactory.Create(sp.GetRequiredService<HostSettings>().Storage), $"{RunLayout.Model(runId, RunLayout.Stages.RankFinetuning)}/"))));
        await TinyWorld.WriteDropAsync(host.Store, dropId);

        var instance = await host.RunAsync(dropId);

        Assert.True(instance.RuntimeStatus == OrchestrationRuntimeStatus.Completed, $"{instance.RuntimeStatus}: {instance.FailureDetails}");
        Assert.Equal(1, faulty!.Faults);
        var history = await PipelineHistory.ReadAsync(host.Client, runId);
        Assert.Equal(1, history.Failures("RankFinetuning"));
        Assert.Equal(2, history.Attempts("RankFinetuning"));
        Assert.Equal(1, history.Attempts("ContinuedPretraining"));
        Assert.Equal(1, history.Attempts("Distillation"));
        var failure = history.Instances[0].OfType<TaskFailedEvent>().Single().FailureDetails;
        Assert.Contains("injected: connection reset", failure!.ErrorMessage, StringComparison.Ordinal);
        // The retry found SFT's checkpoints: its training was not started over.
        var manifest = (await WriteRunManifest.ReadAsync(host.Store, runId, TestContext.Current.CancellationToken))!;
        Assert.Equal(PipelineSettings.Tiny.RankFinetuning.Steps, manifest.Steps.Single(s => s.Stage == RunLayout.Stages.RankFinetuning).Metrics["resumed_from_step"]);
    }

    [Fact]
    public async Task DistillationPipeline_PrepareDataFailsEveryAttempt_RetriedAsDocumentedThenTheRunFailsWithTheReason()
    {
        using var data = new TemporaryFolder();
        const string dropId = "unwritable";
        var runId = DistillationPipeline.InstanceIdFor(dropId);
        await using var host = await PipelineTestHost.StartAsync(data.Path);
        await TinyWorld.WriteDropAsync(host.Store, dropId);
        // A real fault that no retry heals: the run's data folder is a symbolic link, which the local store refuses.
        var link = Path.Combine(host.Settings.Storage.LocalRoot, RunLayout.PreparedData(runId));
        Directory.CreateDirectory(Path.GetDirectoryName(link)!);
        Directory.CreateSymbolicLink(link, Directory.CreateDirectory(Path.Combine(data.Path, "elsewhere")).FullName);

        var instance = await host.RunAsync(dropId);

        Assert.Equal(OrchestrationRuntimeStatus.Failed, instance.RuntimeStatus);
        // The README's policy for default-queue steps: 3 attempts, 5 s then 10 s apart (on durable timers).
        var history = await PipelineHistory.ReadAsync(host.Client, runId);
        Assert.Equal(3, history.Attempts(nameof(PrepareData)));
        Assert.Equal(3, history.Failures(nameof(PrepareData)));
        Assert.Equal(0, history.Attempts(nameof(ContinuedPretraining)));
        var events = history.Instances[0];
        var attempts = events.OfType<TaskScheduledEvent>().Where(e => e.Name == nameof(PrepareData)).ToList();
        var failures = attempts.Select(a => events.OfType<TaskFailedEvent>().Single(f => f.TaskScheduledId == a.EventId)).ToList();
        TimeSpan[] waits = [TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(10)];
        for (var retry = 0; retry < waits.Length; retry++)
        {
            var waited = attempts[retry + 1].Timestamp - failures[retry].Timestamp;
            Assert.True(waited >= waits[retry], $"retry {retry + 1} came {waited} after the failure, before the policy's {waits[retry]}");
        }

        // The reason: the store's own error, in the instance's failure and in the run's manifest.
        Assert.True(PipelineHistory.IsCausedBy<ArtifactStoreException>(instance.FailureDetails), $"{instance.FailureDetails}");
        Assert.Contains(LocalArtifactStore.LinkRefusal, PipelineHistory.Chain(instance.FailureDetails).Last().ErrorMessage, StringComparison.Ordinal);
        var manifest = (await WriteRunManifest.ReadAsync(host.Store, runId, TestContext.Current.CancellationToken))!;
        Assert.Equal("failed", manifest.Status);
        Assert.Equal($"PrepareData failed: {typeof(IOException).FullName}: '{RunLayout.PreparedData(runId)}': {LocalArtifactStore.LinkRefusal}", manifest.Failure);
    }
}
