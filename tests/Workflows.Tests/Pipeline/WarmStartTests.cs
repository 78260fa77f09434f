using System.Text.Json;
using Microsoft.DurableTask.Client;
using RankDistill.Activities.Pipeline;
using RankDistill.Activities.Reporting;
using RankDistill.Activities.Storage;
using RankDistill.Models.Training;
using RankDistill.Workflows.Orchestrations;
using RankDistill.Workflows.Tests.Demo;

namespace RankDistill.Workflows.Tests.Pipeline;

/// <summary>
/// Two daily drops in a row on the Tiny preset with <c>Pipeline:Teacher:BaseModel=published</c> and
/// <c>Pipeline:Student:BaseModel=published</c> (through the host's settings binding): the first run, with nothing
/// published, starts from models made from the settings and (gate opened) publishes its student and its teacher; the
/// second starts from those two, and its lineage says so.
/// </summary>
public sealed class WarmStartTests
{
    [Fact]
    public async Task DistillationPipeline_SecondDropWithPublishedBaseModels_StartsFromTheFirstRunsModels()
    {
        var ct = TestContext.Current.CancellationToken;
        using var data = new TemporaryFolder();
        await using var host = await PipelineTestHost.StartAsync(data.Path, new Dictionary<string, string?>
        {
            ["Pipeline:Teacher:BaseModel"] = BaseModels.Published,
            ["Pipeline:Student:BaseModel"] = BaseModels.Published,
            // Tiny models' numbers mean nothing: the gate is opened so that the first run is published.
            ["Pipeline:Publish:MinStudentVsTeacher"] = "0",
        });
        Assert.Equal(BaseModels.Published, host.Settings.Pipeline.Settings.Teacher.BaseModel);

        await TinyWorld.WriteDropAsync(host.Store, "day-1");
        var first = await host.RunAsync("day-1");
        Assert.True(first.RuntimeStatus == OrchestrationRuntimeStatus.Completed, $"{first.RuntimeStatus}: {first.FailureDetails}");
        var day1 = (await WriteRunManifest.ReadAsync(host.Store, "pipeline-day-1", ct))!;
        Assert.Equal(new BaseModels(null, null, null), day1.BaseModels);
        Assert.True(day1.Promoted);
        var published = (await PublishedModel.ReadCurrentAsync(host.Store, ct))!;
        Assert.Equal(("pipeline-day-1", PublishedModel.TeacherPathOf("pipeline-day-1")), (published.RunId, published.TeacherPath));
        // The teacher published beside the student is the run's fine-tuned teacher, file for file.
        var teacherSet = (await host.Store.OpenSetAsync(published.TeacherPath!, ct))!;
        var sftSet = (await host.Store.OpenSetAsync(RunLayout.Model("pipeline-day-1", RunLayout.Stages.RankFinetuning), ct))!;
        Assert.Equal(sftSet.Files.Select(f => (f.Name, f.Sha256)), teacherSet.Files.Select(f => (f.Name, f.Sha256)));

        // The next day's drop: another world of the same kind.
        await TinyWorld.WriteDropAsync(host.Store, "day-2", TinyWorld.Options with { Seed = TinyWorld.Options.Seed + 1 });
        var second = await host.RunAsync("day-2");

        Assert.True(second.RuntimeStatus == OrchestrationRuntimeStatus.Completed, $"{second.RuntimeStatus}: {second.FailureDetails}");
        var day2 = (await WriteRunManifest.ReadAsync(host.Store, "pipeline-day-2", ct))!;
        Assert.Equal(new BaseModels(PublishedModel.TeacherPathOf("pipeline-day-1"), PublishedModel.PathOf("pipeline-day-1"), "pipeline-day-1"), day2.BaseModels);
        // The settings keep what was asked; the lineage names what it resolved to.
        Assert.Equal(BaseModels.Published, day2.Settings.Student.BaseModel);
        Assert.Equal("pipeline-day-1", day2.PublishedBefore);
        Assert.Equal("pipeline-day-1", (await EvaluationReport.ReadAsync(host.Store, "pipeline-day-2", ct))!.Promotion!.PublishedBefore);
        // Started from the published models, the run built no vocabulary of its own: it speaks the first run's.
        await foreach (var _ in host.Store.ListAsync("runs/pipeline-day-2/tokenizers/", ct))
            Assert.Fail("the warm-started run built its own tokenizers");
        Assert.Equal(await FileHashAsync(host.Store, published.TeacherPath!, "vocab.json"),
            await FileHashAsync(host.Store, RunLayout.Model("pipeline-day-2", RunLayout.Stages.ContinuedPretraining), "vocab.json"));
        // And from the trained weights: the teacher's causal-LM loss and the student's masked-LM loss start where the
        // first day's training left them, far below where models made from nothing start.
        foreach (var stage in new[] { RunLayout.Stages.ContinuedPretraining, RunLayout.Stages.StudentPretraining })
        {
            var (fresh, warm) = (await FirstLossAsync(host.Store, "pipeline-day-1", stage), await FirstLossAsync(host.Store, "pipeline-day-2", stage));
            Assert.True(warm < fresh, $"{stage}: the warm start's first loss {warm} is not below the fresh model's {fresh}");
        }
    }

    [Fact]
    public async Task DistillationPipeline_PublishedPointerUnreadable_FailsBeforeAnyStepWithTheReasonInItsManifest()
    {
        var ct = TestContext.Current.CancellationToken;
        using var data = new TemporaryFolder();
        await using var host = await PipelineTestHost.StartAsync(data.Path, new Dictionary<string, string?> { ["Pipeline:Student:BaseModel"] = BaseModels.Published });
        await host.Store.WriteAsync(PublishedModel.CurrentPointer, "not json"u8.ToArray(), ct);
        await TinyWorld.WriteDropAsync(host.Store, "day-1");

        var run = await host.RunAsync("day-1");

        Assert.Equal(OrchestrationRuntimeStatus.Failed, run.RuntimeStatus);
        var manifest = (await WriteRunManifest.ReadAsync(host.Store, "pipeline-day-1", ct))!;
        Assert.Equal("failed", manifest.Status);
        // The manifest names the step and the root cause; the run's failure says which file it could not read.
        Assert.StartsWith("ResolveBaseModels failed: System.Text.Json.", manifest.Failure, StringComparison.Ordinal);
        var messages = new List<string>();
        for (var f = run.FailureDetails; f is not null; f = f.InnerFailure)
            messages.Add(f.ErrorMessage);
        Assert.Contains(messages, m => m.Contains("'models/published/current.json' is not a published-model record", StringComparison.Ordinal));
        Assert.Empty(manifest.Steps);
        Assert.Null(manifest.BaseModels);
    }

    private static async Task<string> FileHashAsync(IArtifactStore store, string setPrefix, string file) =>
        (await store.OpenSetAsync(setPrefix, TestContext.Current.CancellationToken))!.Files.Single(f => f.Name == file).Sha256;

    private static async Task<double> FirstLossAsync(IArtifactStore store, string runId, string stage)
    {
        var text = System.Text.Encoding.UTF8.GetString(await store.ReadAllBytesAsync(RunLayout.LossLog(runId, stage), cancellationToken: TestContext.Current.CancellationToken));
        return text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonSerializer.Deserialize<LossLogEntry>(l)!).First(e => e.Loss is not null).Loss!.Value;
    }
}
