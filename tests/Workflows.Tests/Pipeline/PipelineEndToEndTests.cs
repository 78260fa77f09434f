using Microsoft.DurableTask.Client;
using RankDistill.Activities.Data;
using RankDistill.Activities.Pipeline;
using RankDistill.Activities.Reporting;
using RankDistill.Activities.Storage;
using RankDistill.TaskHub.Gpu;
using RankDistill.Testing;
using RankDistill.Testing.Pipeline;
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
        var report = (await ReportSet.TryReadAsync(host.Store, runId, TestContext.Current.CancellationToken))!;
        var tests = await TestSet.ReadAsync(host.Store, runId, TestContext.Current.CancellationToken);
        Assert.Equal(tests.Lists.Count, report.TestQueries);
        // The teacher learned something: it ranks above the expected NDCG@5 of a random order of the same lists.
        var random = RandomOrderNdcg5(tests.Lists);
        Assert.True(report.Teacher.Ndcg5 > random + 0.02, $"teacher NDCG@5 {report.Teacher.Ndcg5:0.000}, a random order {random:0.000}");
        Assert.Equal(report.Student.Ndcg5, output.Metrics.Student.Ndcg5);
        // No model was published before in this store: the decision is gate 1 alone, on the report's own numbers.
        Assert.Equal(report.Student.Ndcg5 >= settings.Publish.MinStudentVsTeacher * report.Teacher.Ndcg5, output.Promoted);
        Assert.Contains(output.Promoted ? "no model is published yet" : "gate: at least", output.Reason, StringComparison.Ordinal);
        Assert.True(await host.Store.ExistsAsync(RunLayout.ReportHtml(runId), TestContext.Current.CancellationToken));
        Assert.Equal(RunLayout.Stages.Publish, instance.ReadCustomStatusAs<PipelineStatus>()!.Step);

        var manifest = (await WriteRunManifest.ReadAsync(host.Store, runId, TestContext.Current.CancellationToken))!;
        Assert.Equal("completed", manifest.Status);
        Assert.Equal(dropId, manifest.DropId);
        Assert.Equal(settings, manifest.Settings);
        Assert.Equal(WriteRunManifest.CodeVersion, manifest.CodeVersion);
        Assert.Equal(output.Promoted, manifest.Promoted);
        // Lineage: every drop file read (clicks and labels), each with its size and hash; rejected rows counted.
        var dropFiles = new List<string>();
        foreach (var folder in new[] { $"clicklogs/{dropId}/", $"labels/{dropId}/" })
        {
            await foreach (var file in host.Store.ListAsync(folder, TestContext.Current.CancellationToken))
                dropFiles.Add(file.Name);
        }
        Assert.Contains(dropFiles, f => f.StartsWith("labels/", StringComparison.Ordinal));
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

        await TeacherLabelCheck.AssertShardMatchesTheTeacherAsync(host.Store, runId, 0, settings.MaxSequenceLength);
    }

    /// <summary>The expected NDCG@5 of a uniformly random order, by hand: every rank holds the list's mean gain.</summary>
    private static double RandomOrderNdcg5(IReadOnlyList<GradedList> lists)
    {
        static double Gain(int grade) => Math.Pow(2, grade) - 1;
        static double Discount(int rank) => 1 / Math.Log2(rank + 2);
        var ndcgs = new List<double>();
        foreach (var list in lists.Where(l => l.Docs.Any(d => d.Grade > 0)))
        {
            var mean = list.Docs.Average(d => Gain(d.Grade));
            var top = Math.Min(5, list.Docs.Count);
            var ideal = list.Docs.Select(d => Gain(d.Grade)).OrderDescending().Take(top).Select((g, rank) => g * Discount(rank)).Sum();
            ndcgs.Add(Enumerable.Range(0, top).Sum(rank => mean * Discount(rank)) / ideal);
        }
        return ndcgs.Average();
    }
}
