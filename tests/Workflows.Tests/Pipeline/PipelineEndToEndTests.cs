using Microsoft.DurableTask.Client;
using RankDistill.Activities.Pipeline;
using RankDistill.Activities.Storage;
using RankDistill.TaskHub.Gpu;
using RankDistill.Testing;
using RankDistill.Workflows.Orchestrations;
using RankDistill.Workflows.Tests.Demo;

namespace RankDistill.Workflows.Tests.Pipeline;

/// <summary>
/// The whole pipeline on a tiny drop, in process, on each store: it completes, with its report and its lineage. The
/// Azurite run also leaves the student's pre-training out (0 steps), the one stage a run may skip.
/// </summary>
public sealed class PipelineEndToEndTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task DistillationPipeline_LocalStoreAndSqlite_CompletesWithReportAndManifest()
    {
        using var data = new TemporaryFolder();
        await using var host = await PipelineTestHost.StartAsync(data.Path);

        await RunAndCheckAsync(host, "drop-local");
    }

    [Fact]
    public async Task DistillationPipeline_AzuriteWithoutStudentPretraining_CompletesWithReportAndManifest()
    {
        using var data = new TemporaryFolder();
        await using var host = await PipelineTestHost.StartAsync(data.Path, new Dictionary<string, string?>
        {
            ["Storage:Kind"] = "Blob",
            ["Storage:ConnectionString"] = azurite.ConnectionString,
            ["Storage:ContainerPrefix"] = AzuriteFixture.NewContainerPrefix(),
        });

        var settings = PipelineSettings.Tiny with { StudentPretraining = PipelineSettings.Tiny.StudentPretraining with { Steps = 0 } };
        await RunAndCheckAsync(host, "drop-blob", settings);
    }

    private static async Task RunAndCheckAsync(PipelineTestHost host, string dropId, PipelineSettings? settings = null)
    {
        await TinyWorld.WriteDropAsync(host.Store, dropId);
        settings ??= host.Settings.Pipeline.Settings;

        var instance = await host.RunAsync(dropId, settings);

        Assert.True(instance.RuntimeStatus == OrchestrationRuntimeStatus.Completed, $"{instance.RuntimeStatus}: {instance.FailureDetails}");
        var runId = DistillationPipeline.InstanceIdFor(dropId);
        var output = instance.ReadOutputAs<PipelineOutput>()!;
        Assert.Equal(runId, output.RunId);
        Assert.False(string.IsNullOrWhiteSpace(output.Reason));
        Assert.True(output.Metrics.TestQueries > 0);
        Assert.InRange(output.Metrics.Student.Ndcg5, 0, 1);
        Assert.True(await host.Store.ExistsAsync(RunLayout.ReportJson(runId), TestContext.Current.CancellationToken));
        Assert.True(await host.Store.ExistsAsync(RunLayout.ReportHtml(runId), TestContext.Current.CancellationToken));
        Assert.Equal(RunLayout.Stages.Publish, instance.ReadCustomStatusAs<PipelineStatus>()!.Step);

        var manifest = (await WriteRunManifest.ReadAsync(host.Store, runId, TestContext.Current.CancellationToken))!;
        Assert.Equal("completed", manifest.Status);
        Assert.Equal(dropId, manifest.DropId);
        Assert.Equal(settings, manifest.Settings);
        Assert.Equal(WriteRunManifest.CodeVersion, manifest.CodeVersion);
        Assert.Equal(output.Promoted, manifest.Promoted);
        // Lineage: every drop file read, each with its size and hash; rejected rows counted.
        var dropFiles = new List<string>();
        await foreach (var file in host.Store.ListAsync($"clicklogs/{dropId}/", TestContext.Current.CancellationToken))
            dropFiles.Add(file.Name);
        Assert.All(dropFiles.Where(f => !f.EndsWith("/_SUCCESS", StringComparison.Ordinal)), f => Assert.Contains(manifest.Inputs, i => i.Name == f));
        Assert.All(manifest.Inputs, i => Assert.False(string.IsNullOrEmpty(i.Hash)));
        Assert.Equal(TinyWorld.Options.MalformedRows, manifest.Data!.ClickRowsRejected);
        string[] stages = [RunLayout.Stages.PrepareData, RunLayout.Stages.ContinuedPretraining, RunLayout.Stages.RankFinetuning, RunLayout.Stages.TeacherLabeling,
            RunLayout.Stages.StudentPretraining, RunLayout.Stages.Distillation, RunLayout.Stages.Evaluation, RunLayout.Stages.Publish];
        var pretrains = settings.StudentPretraining.Steps > 0;
        Assert.Equal(stages.Where(s => pretrains || s != RunLayout.Stages.StudentPretraining), manifest.Steps.Select(s => s.Stage));
        Assert.Equal(RunLayout.Model(runId, RunLayout.Stages.Distillation), manifest.Steps.Single(s => s.Stage == RunLayout.Stages.Distillation).Outputs["model"]);
        Assert.Equal(output.Metrics.Student.Ndcg5, manifest.Steps.Single(s => s.Stage == RunLayout.Stages.Evaluation).Metrics["student_ndcg5"]);
        Assert.All(manifest.Steps, s => Assert.True(s.CompletedAt >= s.StartedAt));

        // Routing: every call of a training or labelling step ran as a GpuStep in the gpu hub (which only gpu workers
        // serve); no other step did.
        var history = await PipelineHistory.ReadAsync(host.Client, runId);
        var calls = history.Instances.SelectMany(h => h.OfType<DurableTask.Core.History.TaskScheduledEvent>()).ToList();
        var gpuSteps = new List<GpuStepInput>();
        await foreach (var step in host.GpuClient.GetAllInstancesAsync(new OrchestrationQuery { InstanceIdPrefix = runId, FetchInputsAndOutputs = true }))
        {
            Assert.Equal(OrchestrationRuntimeStatus.Completed, step.RuntimeStatus);
            gpuSteps.Add(step.ReadInputAs<GpuStepInput>()!);
        }
        string[] gpuActivities = ["ContinuedPretraining", "RankFinetuning", "TeacherLabeling", "StudentPretraining", "Distillation"];
        Assert.Equal(calls.Where(c => gpuActivities.Contains(c.Name)).Select(c => c.Name).Order(), gpuSteps.Select(s => s.Activity).Order());
        Assert.Equal(pretrains ? 5 : 4, gpuSteps.Select(s => s.Activity).Distinct().Count());
        Assert.Contains(calls, c => c.Name == "PrepareData");
    }
}
