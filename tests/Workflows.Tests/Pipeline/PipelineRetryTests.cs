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

/// <summary>A transient failure in a step is retried by the step's policy, and the run completes without redoing other steps.</summary>
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
}
