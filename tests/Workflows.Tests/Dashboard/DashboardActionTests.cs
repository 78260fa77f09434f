using System.Net;
using System.Net.Http.Json;
using Microsoft.DurableTask.Client;
using RankDistill.Workflows.Dashboard;
using RankDistill.Workflows.Dashboard.Api;

namespace RankDistill.Workflows.Tests.Dashboard;

/// <summary>The POST actions, each with its anti-forgery token, against instances the real engine runs.</summary>
public sealed class DashboardActionTests(DashboardHostFixture fixture) : IClassFixture<DashboardHostFixture>
{
    private readonly DashboardTestHost _host = fixture.Host;

    [Fact]
    public async Task Terminate_RunningInstance_EndsTerminatedWithTheReason()
    {
        var id = await _host.StartPipelineAsync("drop-terminate", holdForEvent: "approve");
        await _host.WaitUntilHeldAsync(id);

        var result = await PostAsync($"api/instances/{id}/terminate", new ActionRequest("wrong drop"));

        Assert.Equal((id, InstanceActions.Terminate, OrchestrationRuntimeStatus.Running), (result.InstanceId, result.Action, result.Status));
        var ended = await _host.WaitForEndAsync(id);
        Assert.Equal(OrchestrationRuntimeStatus.Terminated, ended.RuntimeStatus);
        var history = await _host.GetAsync<List<HistoryEntry>>($"api/instances/{id}/history");
        Assert.Contains(history, h => h.Type == "ExecutionTerminated" && h.Summary == "terminated: wrong drop");
        AssertAudited(InstanceActions.Terminate, id, result.Message);
    }

    [Fact]
    public async Task SuspendResumeRaiseEvent_HeldInstance_RunsToCompletion()
    {
        var id = await _host.StartPipelineAsync("drop-suspend", holdForEvent: "approve");
        await _host.WaitUntilHeldAsync(id);

        await PostAsync($"api/instances/{id}/suspend", new ActionRequest("look first"));
        await _host.WaitForAsync(id, i => i.RuntimeStatus == OrchestrationRuntimeStatus.Suspended, "suspended");
        var suspended = await _host.GetAsync<InstanceDetail>($"api/instances/{id}");
        await PostAsync($"api/instances/{id}/resume", new ActionRequest("looks fine"));
        await _host.WaitForAsync(id, i => i.RuntimeStatus == OrchestrationRuntimeStatus.Running, "running again");
        var raised = await PostAsync($"api/instances/{id}/events/approve", new { by = "test" });

        Assert.Equal([InstanceActions.Terminate, InstanceActions.Resume, InstanceActions.RaiseEvent], suspended.Actions);
        Assert.Equal("Event 'approve' sent.", raised.Message);
        Assert.Equal(OrchestrationRuntimeStatus.Completed, (await _host.WaitForEndAsync(id)).RuntimeStatus);
    }

    [Fact]
    public async Task Rewind_FailedInstanceAfterTheFix_CompletesKeepingDoneSteps()
    {
        var marker = Path.Combine(_host.DataRoot, "fail-rewind");
        await File.WriteAllTextAsync(marker, "", TestContext.Current.CancellationToken);
        var id = await _host.StartPipelineAsync("drop-rewind", failMarker: marker);
        var failed = await _host.WaitForEndAsync(id);
        Assert.Equal(OrchestrationRuntimeStatus.Failed, failed.RuntimeStatus);
        var detail = await _host.GetAsync<InstanceDetail>($"api/instances/{id}");
        Assert.Equal(typeof(InvalidDataException).FullName, detail.Failure!.Root.ErrorType);
        Assert.Contains("evaluation set of run run-drop-rewind is empty", detail.Failure.Root.Message, StringComparison.Ordinal);
        Assert.Contains("MimicPipeline", detail.Failure.Root.StackTrace, StringComparison.Ordinal);
        Assert.Equal([InstanceActions.Rewind, InstanceActions.Purge], detail.Actions);
        var failedStep = (await _host.GetAsync<Timeline>($"api/instances/{id}/timeline")).Steps[^1];
        Assert.Equal(("MimicEvaluate", "failed"), (failedStep.Name, failedStep.Status));

        File.Delete(marker);
        var rewound = await PostAsync($"api/instances/{id}/rewind", new ActionRequest("evaluation set restored"));
        AssertAudited(InstanceActions.Rewind, id, rewound.Message);
        await _host.WaitForAsync(id, i => i.RuntimeStatus == OrchestrationRuntimeStatus.Completed, "completed after rewind");

        var steps = (await _host.GetAsync<Timeline>($"api/instances/{id}/timeline")).Steps;
        Assert.Equal(MimicPipeline.StepNames, steps.Select(s => s.Name));
        Assert.All(steps, s => Assert.Equal("completed", s.Status));
        // Training ran once: the rewind re-ran evaluation only.
        Assert.All(steps.Where(s => s.Name == "MimicTrain"), s => Assert.Single(s.Attempts));
    }

    [Fact]
    public async Task Purge_CompletedInstance_Gone()
    {
        var id = await _host.StartPipelineAsync("drop-purge");
        await _host.WaitForEndAsync(id);

        var result = await PostAsync($"api/instances/{id}/purge");

        Assert.Equal(InstanceActions.Purge, result.Action);
        AssertAudited(InstanceActions.Purge, id, "Purged: the instance and its history are deleted (the run's artifacts are kept).");
        using var response = await _host.Http.GetAsync($"api/instances/{id}", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Theory]
    [InlineData("rewind", HttpStatusCode.Conflict, "Completed; rewind is not possible")]
    [InlineData("resume", HttpStatusCode.Conflict, "Completed; resume is not possible")]
    [InlineData("terminate", HttpStatusCode.Conflict, "Completed; terminate is not possible")]
    public async Task Action_StatusDoesNotAllowIt_409SayingWhy(string action, HttpStatusCode expected, string reason)
    {
        using var response = await DashboardTestHost.PostActionAsync(_host.Http, $"api/instances/{fixture.CompletedId}/{action}");

        Assert.Equal(expected, response.StatusCode);
        Assert.Contains(reason, await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
        Assert.Equal(OrchestrationRuntimeStatus.Completed, (await _host.Client.GetInstanceAsync(fixture.CompletedId, TestContext.Current.CancellationToken))!.RuntimeStatus);
        AssertAudited(action, fixture.CompletedId, "refused (409)");
    }

    [Fact]
    public async Task Action_UnknownInstance_404()
    {
        using var response = await DashboardTestHost.PostActionAsync(_host.Http, "api/instances/no-such-instance/terminate");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Action_BodyNotJson_400()
    {
        var id = await _host.StartPipelineAsync("drop-badbody", holdForEvent: "approve");
        await _host.WaitUntilHeldAsync(id);
        var token = await _host.GetAsync<AntiforgeryToken>("api/antiforgery");
        using var request = new HttpRequestMessage(HttpMethod.Post, $"api/instances/{id}/events/approve") { Content = new StringContent("{not json", System.Text.Encoding.UTF8, "application/json") };
        request.Headers.Add(token.HeaderName, token.Token);

        using var response = await _host.Http.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("not JSON", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
        await _host.Client.TerminateInstanceAsync(id, "test done", TestContext.Current.CancellationToken);
    }

    /// <summary>The audit line the host logged for an action (the test host keeps our log lines; requests come from loopback).</summary>
    private void AssertAudited(string action, string instanceId, string outcome) =>
        Assert.Contains($"Dashboard action {action} on instance {instanceId} from 127.0.0.1: {outcome}", _host.Logs.Messages);

    private async Task<ActionResult> PostAsync(string path, object? body = null)
    {
        using var response = await DashboardTestHost.PostActionAsync(_host.Http, path, body);
        Assert.True(response.IsSuccessStatusCode, $"POST {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)}");
        return (await response.Content.ReadFromJsonAsync<ActionResult>(DashboardJson.Options, TestContext.Current.CancellationToken))!;
    }
}
