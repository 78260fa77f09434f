using Microsoft.DurableTask.Client;
using RankDistill.Activities.Data;
using RankDistill.Activities.Pipeline;
using RankDistill.Activities.Storage;
using RankDistill.Workflows.Orchestrations;
using RankDistill.Workflows.Tests.Demo;

namespace RankDistill.Workflows.Tests.Pipeline;

/// <summary>Inputs no retry can fix fail the run at once, saying why, where <c>status</c> shows it.</summary>
public sealed class PipelineFailureTests
{
    [Fact]
    public async Task DistillationPipeline_DropOfOnlyGarbage_FailsOnceWithTheReasonInStatus()
    {
        using var data = new TemporaryFolder();
        const string dropId = "garbage";
        var runId = DistillationPipeline.InstanceIdFor(dropId);
        await using (var host = await PipelineTestHost.StartAsync(data.Path))
        {
            var ct = TestContext.Current.CancellationToken;
            await host.Store.WriteAsync($"labels/{dropId}/labels.jsonl", "not json\n{\"query\": 3}\n"u8.ToArray(), ct);
            await host.Store.WriteAsync($"clicklogs/{dropId}/part-00000.jsonl", "garbage\n{\"broken\": \n\u0001\u0002\n"u8.ToArray(), ct);
            await host.Store.WriteAsync($"clicklogs/{dropId}/_SUCCESS", ReadOnlyMemory<byte>.Empty, ct);

            var instance = await host.RunAsync(dropId);

            Assert.Equal(OrchestrationRuntimeStatus.Failed, instance.RuntimeStatus);
            Assert.True(PipelineHistory.IsCausedBy<UnusableDropException>(instance.FailureDetails), instance.FailureDetails?.ToString());
            var history = await PipelineHistory.ReadAsync(host.Client, runId);
            Assert.Equal(1, history.Attempts("PrepareData"));
            Assert.Equal(0, history.Attempts("ContinuedPretraining"));
            var manifest = (await WriteRunManifest.ReadAsync(host.Store, runId, ct))!;
            Assert.Equal("failed", manifest.Status);
            Assert.Contains(nameof(UnusableDropException), manifest.Failure, StringComparison.Ordinal);
        }

        // What an operator sees: the host's own status command on the same data folder.
        using var status = HostProcess.Start(data.Path, "status", runId, "--data", data.Path);
        Assert.Equal(0, await status.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        Assert.Contains("Failed", status.Output, StringComparison.Ordinal);
        Assert.Contains(nameof(UnusableDropException), status.Output, StringComparison.Ordinal);
        Assert.Contains("cannot train or evaluate a ranker", status.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DistillationPipeline_InvalidSettings_FailsBeforeAnyStepNamingTheSetting()
    {
        using var data = new TemporaryFolder();
        await using var host = await PipelineTestHost.StartAsync(data.Path);
        await TinyWorld.WriteDropAsync(host.Store, "bad-settings");
        var settings = PipelineSettings.Tiny with { LabelingShardSize = 0 };

        var instance = await host.RunAsync("bad-settings", settings);

        Assert.Equal(OrchestrationRuntimeStatus.Failed, instance.RuntimeStatus);
        Assert.True(PipelineHistory.IsCausedBy<InvalidPipelineSettingsException>(instance.FailureDetails), instance.FailureDetails?.ToString());
        Assert.Contains("Pipeline:LabelingShardSize = 0", instance.FailureDetails!.ErrorMessage, StringComparison.Ordinal);
        var history = await PipelineHistory.ReadAsync(host.Client, "pipeline-bad-settings");
        Assert.Equal(0, history.Attempts("PrepareData"));
    }
}
