using System.Text.Json;
using Microsoft.DurableTask.Client;
using RankDistill.Activities.Pipeline;
using RankDistill.Activities.Reporting;
using RankDistill.Activities.Storage;
using RankDistill.Testing;
using RankDistill.Workflows.Orchestrations;
using RankDistill.Workflows.Tests.Dashboard;
using RankDistill.Workflows.Tests.Demo;

namespace RankDistill.Workflows.Tests.Pipeline;

/// <summary>
/// A search team's path with a real pre-trained BERT: all-MiniLM-L6-v2's ONNX graph through <c>models import-onnx</c>
/// into a Hugging Face folder, that folder as <c>Pipeline:Student:BaseModel</c>, and the Tiny pipeline distilling and
/// publishing it, model.onnx included.
/// </summary>
public sealed class PretrainedStudentPipelineTests
{
    [Fact]
    public async Task DistillationPipeline_MiniLmImportedFromOnnxAsStudentBase_CompletesAndPublishesItsGraph()
    {
        using var data = new TemporaryFolder();
        var graph = Path.Combine(data.Path, "minilm.onnx");
        var vocabulary = Path.Combine(data.Path, "minilm-vocab.txt");
        var folder = Path.Combine(data.Path, "minilm");
        await File.WriteAllBytesAsync(graph, MiniLmPackage.Graph(), TestContext.Current.CancellationToken);
        await File.WriteAllTextAsync(vocabulary, MiniLmPackage.Vocabulary(), TestContext.Current.CancellationToken);

        var (exit, output, error) = await CliRun.InvokeAsync("models", "import-onnx", graph, vocabulary, folder);

        Assert.True(exit == 0, error);
        Assert.Contains("6 layers, width 384, 12 heads, vocabulary 30522", output, StringComparison.Ordinal);

        await using var host = await PipelineTestHost.StartAsync(data.Path);
        await TinyWorld.WriteDropAsync(host.Store, "drop-minilm");
        // MiniLM is 200 times the Tiny student: a few updates show the pipeline trains it; no masked-LM stage; every gate open.
        var tiny = PipelineSettings.Tiny;
        var settings = tiny with
        {
            Student = tiny.Student with { BaseModel = folder },
            StudentPretraining = tiny.StudentPretraining with { Steps = 0 },
            Distillation = tiny.Distillation with { Steps = 4, CheckpointEvery = 2 },
            Publish = tiny.Publish with { MinStudentVsTeacher = 0 },
        };

        var instance = await host.RunAsync("drop-minilm", settings, TimeSpan.FromMinutes(20));

        Assert.True(instance.RuntimeStatus == OrchestrationRuntimeStatus.Completed, $"{instance.RuntimeStatus}: {instance.FailureDetails}");
        var result = instance.ReadOutputAs<PipelineOutput>()!;
        Assert.True(result.Promoted, result.Reason);
        Assert.Contains(result.Metrics.StudentRuntime, new[] { StudentRuntimes.TorchSharp, StudentRuntimes.OnnxRuntime });
        var runId = DistillationPipeline.InstanceIdFor("drop-minilm");
        var published = await host.Store.GetSetAsync(PublishedModel.PathOf(runId), TestContext.Current.CancellationToken);
        Assert.Contains(published.Files, f => f.Name == "model.onnx");
        // The distilled student is MiniLM's shape, not the Tiny preset's 1-layer, 32-wide one.
        using var config = JsonDocument.Parse(await host.Store.ReadAllBytesAsync(RunLayout.Model(runId, RunLayout.Stages.Distillation) + "/config.json", cancellationToken: TestContext.Current.CancellationToken));
        Assert.Equal((384, 6), (config.RootElement.GetProperty("hidden_size").GetInt32(), config.RootElement.GetProperty("num_hidden_layers").GetInt32()));
    }
}
