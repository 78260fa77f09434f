using DurableTask.Core.History;
using Microsoft.DurableTask.Client;
using RankDistill.TaskHub.Gpu;
using RankDistill.Workflows.Cli;

namespace RankDistill.Workflows.Tests.Dashboard;

/// <summary>
/// <c>status</c>, <c>terminate</c> and <c>rewind</c>, both ways: on the local task hubs (<c>--data</c>, the host's own
/// SQLite file, whose worker then carries out the request) and through the dashboard's JSON API (<c>--host</c>).
/// </summary>
public sealed class DashboardCliTests(DashboardHostFixture fixture) : IClassFixture<DashboardHostFixture>
{
    private readonly DashboardTestHost _host = fixture.Host;

    public static TheoryData<bool> Modes => [false, true];

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task Status_NoId_ListsThePipelinesAsATable(bool remote)
    {
        var (exit, output, error) = await RunAsync(remote, "status");

        Assert.Equal((ExitCodes.Success, ""), (exit, error));
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("INSTANCE", lines[0], StringComparison.Ordinal);
        var row = Assert.Single(lines, l => l.StartsWith(fixture.CompletedId + " ", StringComparison.Ordinal));
        Assert.Contains(" Completed ", row, StringComparison.Ordinal);
        Assert.Contains($" {DashboardHostFixture.CompletedDrop} ", row, StringComparison.Ordinal);
        Assert.Contains(" publish 100%", row, StringComparison.Ordinal);
        // Sub-orchestrations only with --all.
        Assert.DoesNotContain(lines, l => l.StartsWith(fixture.CompletedId + ":", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task Status_Id_ShowsStepsWithRetriesAndShards(bool remote)
    {
        var (exit, output, _) = await RunAsync(remote, "status", fixture.CompletedId);

        Assert.Equal(ExitCodes.Success, exit);
        Assert.Contains($"Instance  {fixture.CompletedId}", output, StringComparison.Ordinal);
        Assert.Contains("Status    Completed", output, StringComparison.Ordinal);
        var steps = output.Split('\n').SkipWhile(l => l != "Steps").Skip(2).TakeWhile(l => l.Length > 0).ToList();
        Assert.Equal(MimicPipeline.StepNames, steps.Select(l => l.Trim().Split(' ')[0]));
        Assert.All(steps, l => Assert.Contains(" completed ", l, StringComparison.Ordinal));
        Assert.Contains("retry waits", steps[0], StringComparison.Ordinal);
        Assert.Contains("attempt 1: System.IO.IOException: drop drop-0001 is still being copied", steps[0], StringComparison.Ordinal);
        Assert.Contains($"{MimicPipeline.Shards}/{MimicPipeline.Shards} shards", steps[3], StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task Status_FailedId_ShowsTheFailureWithItsReason(bool remote)
    {
        var id = await FailedPipelineAsync($"drop-cli-failed-{remote}");

        var (exit, output, _) = await RunAsync(remote, "status", id);

        Assert.Equal(ExitCodes.Success, exit);
        var failure = output[output.IndexOf("\nFailure\n", StringComparison.Ordinal)..];
        Assert.Contains($"System.IO.InvalidDataException: evaluation set of run run-drop-cli-failed-{remote} is empty", failure, StringComparison.Ordinal);
        Assert.Contains("MimicPipeline", failure, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task Status_FailureWithTerminalEscapes_PrintsThemEscaped(bool remote)
    {
        // A failure text that would retitle the terminal and clear the screen if printed raw.
        var marker = Path.Combine(_host.DataRoot, $"fail-escapes-{remote}");
        await File.WriteAllTextAsync(marker, "", TestContext.Current.CancellationToken);
        var id = await _host.StartPipelineAsync($"drop-cli-escapes-{remote}", failMarker: marker, note: "\u001b]0;owned\u0007\u001b[2J");
        Assert.Equal(OrchestrationRuntimeStatus.Failed, (await _host.WaitForEndAsync(id)).RuntimeStatus);

        var (exit, output, _) = await RunAsync(remote, "status", id);

        Assert.Equal(ExitCodes.Success, exit);
        Assert.DoesNotContain(output, c => char.IsControl(c) && c is not '\n' and not '\r');
        Assert.Contains(@"\u001b]0;owned\u0007\u001b[2J", output, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task Status_StepWaitingForAGpuWorker_ShowsItWaitingNotFailed(bool remote)
    {
        var id = await _host.Client.ScheduleNewOrchestrationInstanceAsync(MimicPipeline.GpuCallerName, "x", cancellation: TestContext.Current.CancellationToken);
        await WaitForGpuStepAsync(GpuStep.InstanceIdFor(id, 0));

        var (exit, output, _) = await RunAsync(remote, "status", id);

        Assert.Equal(ExitCodes.Success, exit);
        var steps = output.Split('\n').SkipWhile(l => l != "Steps").Skip(2).TakeWhile(l => l.Length > 0).ToList();
        var step = Assert.Single(steps);
        Assert.StartsWith(MimicPipeline.GpuStepName + " ", step.Trim(), StringComparison.Ordinal);
        Assert.Contains(" waiting ", step, StringComparison.Ordinal);
        Assert.Contains("waiting for a GPU worker", step, StringComparison.Ordinal);
        Assert.Contains("not failed", step, StringComparison.Ordinal);
        await _host.Client.TerminateInstanceAsync(id, "test done", TestContext.Current.CancellationToken);
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task Status_UnknownId_Exit1(bool remote)
    {
        var (exit, _, error) = await RunAsync(remote, "status", "no-such-instance");

        Assert.Equal(ExitCodes.Failure, exit);
        Assert.Contains("No orchestration instance has id 'no-such-instance'", error, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task Terminate_RunningInstance_EndsTerminated(bool remote)
    {
        var id = await _host.StartPipelineAsync($"drop-cli-terminate-{remote}", holdForEvent: "approve");
        await _host.WaitUntilHeldAsync(id);

        var (exit, output, error) = await RunAsync(remote, "terminate", id, "--reason", "superseded by a newer drop");

        Assert.Equal((ExitCodes.Success, ""), (exit, error));
        Assert.StartsWith($"{id}: Termination requested", output, StringComparison.Ordinal);
        Assert.Equal(OrchestrationRuntimeStatus.Terminated, (await _host.WaitForEndAsync(id)).RuntimeStatus);
        var history = await _host.Client.GetOrchestrationHistoryAsync(id, TestContext.Current.CancellationToken);
        Assert.Contains(history, e => e is ExecutionTerminatedEvent { Input: "\"superseded by a newer drop\"" });
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task Terminate_FinishedInstance_Exit1SayingWhy(bool remote)
    {
        var (exit, _, error) = await RunAsync(remote, "terminate", fixture.CompletedId);

        Assert.Equal(ExitCodes.Failure, exit);
        Assert.Contains("is Completed; terminate is not possible", error, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task Rewind_FailedInstanceAfterTheFix_Completes(bool remote)
    {
        var marker = Path.Combine(_host.DataRoot, $"fail-cli-rewind-{remote}");
        var id = await FailedPipelineAsync($"drop-cli-rewind-{remote}", marker);
        File.Delete(marker);

        var (exit, output, error) = await RunAsync(remote, "rewind", id, "--reason", "evaluation set restored");

        Assert.Equal((ExitCodes.Success, ""), (exit, error));
        Assert.StartsWith($"{id}: Rewind requested", output, StringComparison.Ordinal);
        await _host.WaitForAsync(id, i => i.RuntimeStatus == OrchestrationRuntimeStatus.Completed, "completed after rewind");
    }

    [Fact]
    public async Task Local_NoTaskHubInTheDataFolder_Exit1SayingWhereItLooked()
    {
        var empty = Directory.CreateTempSubdirectory("rankdistill-empty-").FullName;
        try
        {
            var (exit, _, error) = await CliRun.InvokeAsync("status", "--data", empty);

            Assert.Equal(ExitCodes.Failure, exit);
            Assert.Contains($"No task hub at {Path.Combine(empty, "taskhub.db")}", error, StringComparison.Ordinal);
            Assert.False(File.Exists(Path.Combine(empty, "taskhub.db")), "status must not create a task hub where there is none");
        }
        finally
        {
            Directory.Delete(empty, recursive: true);
        }
    }

    [Fact]
    public async Task Remote_HostWithKey_Exit1WithoutItAndWorksWithIt()
    {
        const string Key = "cli-test-key-0123456789";
        await using var keyed = await DashboardTestHost.StartAsync(new Dictionary<string, string?> { ["Dashboard:ApiKey"] = Key });
        var url = keyed.BaseAddress.ToString();

        var without = await CliRun.InvokeAsync("status", "--host", url);
        var option = await CliRun.InvokeAsync("status", "--host", url, "--api-key", Key);
        var setting = await CliRun.InvokeAsync("terminate", "nope", "--host", url, $"--Dashboard:ApiKey={Key}");

        Assert.Equal(ExitCodes.Failure, without.ExitCode);
        Assert.Contains("answered 401", without.Error, StringComparison.Ordinal);
        Assert.Contains("--api-key", without.Error, StringComparison.Ordinal);
        Assert.Equal((ExitCodes.Success, "No instances."), (option.ExitCode, option.Output.Trim()));
        Assert.Equal(ExitCodes.Failure, setting.ExitCode);
        Assert.Contains("No orchestration instance has id 'nope'", setting.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Remote_NothingListening_Exit1SayingSo()
    {
        using var closed = new Testing.RefusingPort();
        var url = $"http://127.0.0.1:{closed.Port}/";

        var (exit, _, error) = await CliRun.InvokeAsync("status", "--host", url);

        Assert.Equal(ExitCodes.Failure, exit);
        Assert.Contains($"Cannot reach the dashboard at {url}", error, StringComparison.Ordinal);
    }

    private Task<(int ExitCode, string Output, string Error)> RunAsync(bool remote, params string[] args) =>
        CliRun.InvokeAsync([.. args, .. remote ? new[] { "--host", _host.BaseAddress.ToString() } : ["--data", _host.DataRoot]]);

    private async Task<string> FailedPipelineAsync(string dropId, string? marker = null)
    {
        marker ??= Path.Combine(_host.DataRoot, $"fail-{dropId}");
        await File.WriteAllTextAsync(marker, "", TestContext.Current.CancellationToken);
        var id = await _host.StartPipelineAsync(dropId, failMarker: marker);
        Assert.Equal(OrchestrationRuntimeStatus.Failed, (await _host.WaitForEndAsync(id)).RuntimeStatus);
        return id;
    }

    private async Task WaitForGpuStepAsync(string gpuStepId)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (await _host.GpuClient.GetInstanceAsync(gpuStepId, TestContext.Current.CancellationToken) is null)
        {
            Assert.True(DateTime.UtcNow < deadline, $"the gpu step {gpuStepId} never reached the gpu hub");
            await Task.Delay(20, TestContext.Current.CancellationToken);
        }
    }
}
