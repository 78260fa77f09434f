using System.Text.Json;
using Microsoft.DurableTask.Client;
using RankDistill.Activities.Ablation;
using RankDistill.Activities.Pipeline;
using RankDistill.Activities.Storage;
using RankDistill.Workflows.Cli;
using RankDistill.Workflows.Orchestrations;
using RankDistill.Workflows.Tests.Demo;

namespace RankDistill.Workflows.Tests.Pipeline;

/// <summary>
/// The ablation on the tiny drop, Tiny preset, one seed: every arm is trained and evaluated and lands in the report; an
/// ablation terminated mid-way and started again does not train again the arms that had finished.
/// </summary>
public sealed class AblationStudyTests
{
    private const string DropId = "drop-ablate";
    private const int Seed = 5;

    [Fact]
    public async Task AblationStudy_TerminatedMidwayThenStartedAgain_EveryArmInTheReportAndFinishedArmsNotRetrained()
    {
        var ct = TestContext.Current.CancellationToken;
        using var data = new TemporaryFolder();
        await using var host = await PipelineTestHost.StartAsync(data.Path);
        await TinyWorld.WriteDropAsync(host.Store, DropId);
        var settings = host.Settings.Pipeline.Settings;
        var id = AblationStudy.InstanceIdFor(DropId);

        var first = await AblationSubmission.SubmitAsync(host.Client, host.GpuClient, DropId, settings, [Seed], ct);
        Assert.Equal(AblationStart.Started, first.Start);
        // Terminated once the first arm is evaluated, and before the students (which wait for every teacher).
        var firstArm = AblationLayout.ArmRun(id, $"{AblationDesign.TeacherWithoutCpt}-s{Seed}");
        await Poll.UntilAsync(() => host.Store.ExistsAsync(AblationLayout.ArmMetrics(firstArm), ct), "the first arm evaluated", TimeSpan.FromMinutes(3));
        await host.Client.TerminateInstanceAsync(id, cancellation: ct);
        Assert.Equal(OrchestrationRuntimeStatus.Terminated, (await host.WaitAsync(id)).RuntimeStatus);
        // What had finished: its training leaves no trace a rerun could not recreate but its checkpoints and loss log,
        // so they go, and a retrained arm would write them again.
        var finished = new List<string>();
        foreach (var variant in AblationDesign.Variants)
        {
            var arm = AblationLayout.ArmRun(id, $"{variant.Name}-s{Seed}");
            if (await host.Store.ExistsAsync(AblationLayout.ArmMetrics(arm), ct))
                finished.Add(arm);
        }
        Assert.Contains(firstArm, finished);
        Assert.NotEmpty(await TrainingTracesAsync(host.Store, firstArm));
        foreach (var arm in finished)
            await DeleteTrainingTracesAsync(host.Store, arm);

        var again = await AblationSubmission.SubmitAsync(host.Client, host.GpuClient, DropId, settings, [Seed], ct);
        var instance = await host.WaitAsync(id, TimeSpan.FromMinutes(5));

        Assert.Equal(AblationStart.Restarted, again.Start);
        Assert.True(instance.RuntimeStatus == OrchestrationRuntimeStatus.Completed, $"{instance.RuntimeStatus}: {instance.FailureDetails}");
        foreach (var arm in finished)
            Assert.Empty(await TrainingTracesAsync(host.Store, arm));
        var output = instance.ReadOutputAs<AblationOutput>()!;
        Assert.Equal(AblationDesign.Variants.Select(v => v.Name).Order(), output.Summary.Arms.Select(a => a.Variant).Order());
        Assert.All(output.Summary.Arms, a => Assert.Equal(Seed, a.Seed));
        // Each arm its own model: a step of the terminated execution must not answer another arm's call.
        Assert.True(AblationDesign.Variants.Count == output.Summary.Arms.Select(a => a.ModelPath).Distinct().Count(), string.Join("; ", output.Summary.Arms.Select(a => $"{a.Variant}: {a.ModelPath}")));
        Assert.Equal(AblationDesign.Comparisons.Select(c => c.Key), output.Summary.Comparisons.Select(c => c.Key));
        Assert.All(output.Summary.Arms, a => Assert.InRange(a.Result.Metrics.Ndcg5, 0, 1));
        Assert.All(output.Summary.Comparisons, c => Assert.Contains("one seed", c.Here, StringComparison.Ordinal));
        Assert.Matches(@"^ablation: hybrid_vs_mse=-?\d\.\d{3} hybrid_vs_margin=-?\d\.\d{3} cpt_gain=-?\d\.\d{3} last_token_vs_mean=-?\d\.\d{3} seeds=5$",
            AblationConsoleReport.SummaryLine(output.Summary));

        // The report holds every arm, and the page its charts.
        using var report = JsonDocument.Parse(await host.Store.ReadAllBytesAsync(AblationLayout.ReportJson(id), cancellationToken: ct));
        var arms = report.RootElement.GetProperty("summary").GetProperty("arms").EnumerateArray().Select(a => a.GetProperty("variant").GetString()).ToList();
        Assert.Equal(AblationDesign.Variants.Select(v => v.Name).Order(), arms.Order());
        var html = System.Text.Encoding.UTF8.GetString(await host.Store.ReadAllBytesAsync(AblationLayout.ReportHtml(id), cancellationToken: ct));
        Assert.Contains("<svg", html, StringComparison.Ordinal);
        Assert.Contains("errorbar", html, StringComparison.Ordinal);

        // The arms shared one PrepareData: none has data of its own.
        Assert.Empty(await ListAsync(host.Store, $"{RunLayout.Root(firstArm)}/data/"));
    }

    /// <summary>Deletes an arm's checkpoints and training logs (what only training writes), keeping its model and metrics.</summary>
    private static async Task DeleteTrainingTracesAsync(IArtifactStore store, string armRunId)
    {
        foreach (var name in await TrainingTracesAsync(store, armRunId))
            await store.DeleteAsync(name, TestContext.Current.CancellationToken);
    }

    /// <summary>An arm's checkpoints and training logs: what a training writes as it goes.</summary>
    private static async Task<List<string>> TrainingTracesAsync(IArtifactStore store, string armRunId)
    {
        var root = RunLayout.Root(armRunId);
        var names = new List<string>();
        await foreach (var file in store.ListAsync($"{root}/", TestContext.Current.CancellationToken))
        {
            if (file.Name.StartsWith($"{root}/checkpoints/", StringComparison.Ordinal) || file.Name.StartsWith($"{root}/training/", StringComparison.Ordinal))
                names.Add(file.Name);
        }
        return names;
    }

    private static async Task<List<string>> ListAsync(IArtifactStore store, string prefix)
    {
        var names = new List<string>();
        await foreach (var file in store.ListAsync(prefix, TestContext.Current.CancellationToken))
            names.Add(file.Name);
        return names;
    }
}
