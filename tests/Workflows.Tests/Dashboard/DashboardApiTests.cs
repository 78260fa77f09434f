using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.DurableTask.Client;
using RankDistill.Activities.Pipeline;
using RankDistill.Activities.Reporting;
using RankDistill.Activities.Storage;
using RankDistill.TaskHub;
using RankDistill.TaskHub.Gpu;
using RankDistill.Workflows.Dashboard;
using RankDistill.Workflows.Dashboard.Api;

namespace RankDistill.Workflows.Tests.Dashboard;

/// <summary>The JSON API against a real host on a loopback port, over pipelines the real engine ran.</summary>
public sealed class DashboardApiTests(DashboardHostFixture fixture) : IClassFixture<DashboardHostFixture>
{
    private readonly DashboardTestHost _host = fixture.Host;

    [Fact]
    public async Task Instances_AfterAPipelineRan_ListsItWithIdDropStatusAndStep()
    {
        var list = await _host.GetAsync<InstanceList>("api/instances");

        var item = Assert.Single(list.Instances, i => i.InstanceId == fixture.CompletedId);
        Assert.Equal(MimicPipeline.Name, item.Name);
        Assert.Equal(OrchestrationRuntimeStatus.Completed, item.Status);
        Assert.Equal(DashboardHostFixture.CompletedDrop, item.DropId);
        Assert.Equal($"run-{DashboardHostFixture.CompletedDrop}", item.RunId);
        Assert.Equal(RunLayout.Stages.Publish, item.CurrentStep);
        Assert.Equal(1.0, item.Progress);
        Assert.True(item.DurationSeconds > 0);
        Assert.True(item.LastUpdatedAt >= item.CreatedAt);
        // The labelling child is listed too, under its parent (the tag it was started with).
        var child = Assert.Single(list.Instances, i => i.ParentInstanceId == fixture.CompletedId);
        Assert.Equal(MimicPipeline.LabelingInstanceId(fixture.CompletedId), child.InstanceId);
    }

    [Fact]
    public async Task Instances_RawJson_CarriesInstanceIdOnEveryObject()
    {
        using var document = JsonDocument.Parse(await _host.Http.GetStringAsync("api/instances", TestContext.Current.CancellationToken));

        var instances = document.RootElement.GetProperty("instances").EnumerateArray().ToList();
        Assert.NotEmpty(instances);
        Assert.All(instances, i => Assert.False(string.IsNullOrEmpty(i.GetProperty("instanceId").GetString())));
        Assert.Contains(instances, i => i.GetProperty("status").GetString() == "Completed");
    }

    [Fact]
    public async Task Instances_Filters_SelectByStatusNamePrefixTimeAndChildren()
    {
        var held = await _host.StartPipelineAsync("drop-filter", holdForEvent: "approve");
        await _host.WaitUntilHeldAsync(held);

        var running = await _host.GetAsync<InstanceList>("api/instances?status=Running,Pending&includeSubOrchestrations=false");
        var byPrefix = await _host.GetAsync<InstanceList>("api/instances?prefix=pipeline-drop-f");
        var byName = await _host.GetAsync<InstanceList>($"api/instances?name={MimicPipeline.Name}&includeSubOrchestrations=false");
        var future = await _host.GetAsync<InstanceList>($"api/instances?createdFrom={Uri.EscapeDataString(DateTimeOffset.UtcNow.AddHours(1).ToString("O"))}");
        var past = await _host.GetAsync<InstanceList>($"api/instances?createdTo={Uri.EscapeDataString(DateTimeOffset.UtcNow.AddHours(-1).ToString("O"))}");

        Assert.Contains(running.Instances, i => i.InstanceId == held);
        Assert.DoesNotContain(running.Instances, i => i.InstanceId == fixture.CompletedId);
        Assert.Equal([held], byPrefix.Instances.Select(i => i.InstanceId));
        Assert.All(byName.Instances, i => Assert.Equal(MimicPipeline.Name, i.Name));
        Assert.All(byName.Instances, i => Assert.Null(i.ParentInstanceId));
        Assert.Empty(future.Instances);
        Assert.Empty(past.Instances);
        await _host.Client.TerminateInstanceAsync(held, "test done", TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task Instances_PageSizeOne_PagesThroughEveryInstanceOnceInOrder()
    {
        var all = await _host.GetAsync<InstanceList>("api/instances?pageSize=1000");
        var seen = new List<string>();
        string? token = null;
        do
        {
            var page = await _host.GetAsync<InstanceList>($"api/instances?pageSize=1{(token is null ? "" : "&continuationToken=" + Uri.EscapeDataString(token))}");
            Assert.True(page.Instances.Count <= 1);
            seen.AddRange(page.Instances.Select(i => i.InstanceId));
            token = page.ContinuationToken;
        }
        while (token is not null && seen.Count <= all.Instances.Count);

        Assert.Null(all.ContinuationToken);
        Assert.Equal(all.Instances.Select(i => i.InstanceId), seen);
    }

    [Theory]
    [InlineData("status=Runing")]
    [InlineData("pageSize=0")]
    [InlineData("createdFrom=yesterday")]
    public async Task Instances_BadFilter_400NamingIt(string query)
    {
        using var response = await _host.Http.GetAsync($"api/instances?{query}", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(query.Split('=')[0], await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Instance_Completed_HasInputOutputRunArtifactsAndPurgeOnly()
    {
        var detail = await _host.GetAsync<InstanceDetail>($"api/instances/{fixture.CompletedId}");

        Assert.Equal(fixture.CompletedId, detail.Instance.InstanceId);
        Assert.Equal(DashboardHostFixture.CompletedDrop, detail.Input!["dropId"]!.GetValue<string>());
        Assert.True(detail.Output!["promoted"]!.GetValue<bool>());
        Assert.Null(detail.Failure);
        Assert.Equal([InstanceActions.Purge], detail.Actions);
        Assert.Equal(detail.Instance.LastUpdatedAt, detail.Instance.CompletedAt);
        var run = Assert.IsType<RunInfo>(detail.Run);
        Assert.Equal(RunLayout.TrainingStages, run.LossStages);
        Assert.Equal(RunLayout.ReportJson(run.RunId), run.ReportJson?.Name);
        Assert.Equal(RunLayout.ReportHtml(run.RunId), run.ReportHtml?.Name);
        var model = RunLayout.Model(run.RunId, RunLayout.Stages.Distillation);
        Assert.Contains(detail.Artifacts, a => a.Name == model && a.Url == "/api/" + "artifacts/" + model);
    }

    [Fact]
    public async Task Instance_Unknown_404()
    {
        foreach (var path in new[] { "api/instances/nope", "api/instances/nope/history", "api/instances/nope/timeline" })
        {
            using var response = await _host.Http.GetAsync(path, TestContext.Current.CancellationToken);
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        }
    }

    [Fact]
    public async Task Timeline_CompletedPipeline_ShowsStepsRetriesWaitsAndShards()
    {
        var timeline = await _host.GetAsync<Timeline>($"api/instances/{fixture.CompletedId}/timeline");

        Assert.Equal(MimicPipeline.StepNames, timeline.Steps.Select(s => s.Name));
        Assert.All(timeline.Steps, s => Assert.Equal("completed", s.Status));
        var prepare = timeline.Steps[0];
        Assert.Equal([1, 2], prepare.Attempts.Select(a => a.Attempt));
        Assert.Equal(["failed", "completed"], prepare.Attempts.Select(a => a.Outcome));
        Assert.Equal(typeof(IOException).FullName, prepare.Attempts[0].Failure?.ErrorType);
        var wait = Assert.Single(prepare.RetryWaits);
        Assert.Equal(1, wait.AfterAttempt);
        Assert.True(wait.Seconds >= 0.15, $"the retry wait was {wait.Seconds}s; the policy asks for 150 ms");
        Assert.Equal((prepare.Attempts[0].EndedAt, prepare.Attempts[1].ScheduledAt), (wait.From, wait.Until));
        Assert.All(timeline.Steps, s => Assert.Equal(s.Name == "MimicLabeling" ? null : TaskQueues.Default, s.Queue));
        var labeling = timeline.Steps[3];
        Assert.Equal("subOrchestration", labeling.Kind);
        Assert.Equal(MimicPipeline.LabelingInstanceId(fixture.CompletedId), labeling.ChildInstanceId);
        var shards = Assert.IsType<ShardSummary>(labeling.Shards);
        Assert.Equal((MimicPipeline.Shards, MimicPipeline.Shards, 0, 1), (shards.Total, shards.Completed, shards.Failed, shards.Retries));
        Assert.Equal(1.0, shards.Progress);
    }

    [Fact]
    public async Task Timeline_StepFailingEveryAttempt_FailedAfterItsRetriesWithNoWaitAfterTheLast()
    {
        var marker = Path.Combine(_host.DataRoot, "fail-every-attempt");
        await File.WriteAllTextAsync(marker, "", TestContext.Current.CancellationToken);
        var id = await _host.StartPipelineAsync("drop-every-attempt", failMarker: marker);
        Assert.Equal(OrchestrationRuntimeStatus.Failed, (await _host.WaitForEndAsync(id)).RuntimeStatus);

        var evaluate = (await _host.GetAsync<Timeline>($"api/instances/{id}/timeline")).Steps[^1];
        var history = await _host.GetAsync<List<HistoryEntry>>($"api/instances/{id}/history");

        Assert.Equal(("MimicEvaluate", "failed"), (evaluate.Name, evaluate.Status));
        Assert.Equal(["failed", "failed", "failed"], evaluate.Attempts.Select(a => a.Outcome));
        Assert.Equal([1, 2], evaluate.RetryWaits.Select(w => w.AfterAttempt));
        Assert.Equal(typeof(InvalidDataException).FullName, evaluate.Failure?.ErrorType);
        // DurableTask.Core's zero wait after the last attempt, read back from the task hub, is no retry.
        Assert.Single(history, h => h.Type == "TimerCreated" && h.Summary.StartsWith("no retry: MimicEvaluate", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Timeline_LabelingChild_SummarisesItsFanOut()
    {
        var parent = await _host.GetAsync<Timeline>($"api/instances/{fixture.CompletedId}/timeline");
        var childId = parent.Steps.Single(s => s.Kind == "subOrchestration").ChildInstanceId!;

        var child = await _host.GetAsync<Timeline>($"api/instances/{Uri.EscapeDataString(childId)}/timeline");

        var fanOut = Assert.Single(child.Steps);
        Assert.Equal("fanOut", fanOut.Kind);
        Assert.Equal("MimicLabelShard", fanOut.Name);
        Assert.Equal(new ShardSummary("MimicLabelShard", MimicPipeline.Shards, MimicPipeline.Shards, 0, 0, 0, 1), fanOut.Shards);
    }

    [Fact]
    public async Task History_CompletedPipeline_HasEveryEventWithSummaries()
    {
        var history = await _host.GetAsync<List<HistoryEntry>>($"api/instances/{fixture.CompletedId}/history");

        Assert.Contains(history.Take(2), h => h.Type == "ExecutionStarted" && h.Name == MimicPipeline.Name);
        // The last episode completes the execution, then ends.
        Assert.Equal(["ExecutionCompleted", "OrchestratorCompleted"], history[^2..].Select(h => h.Type));
        Assert.Equal("Completed", history[^2].Summary);
        Assert.Equal(Enumerable.Range(0, history.Count), history.Select(h => h.Index));
        var failed = Assert.Single(history, h => h.Type == "TaskFailed");
        Assert.Equal("MimicPrepareData", failed.Name);
        Assert.Contains("IOException", failed.Summary, StringComparison.Ordinal);
        var retry = Assert.Single(history, h => h.Type == "TaskScheduled" && h.Name == "MimicPrepareData" && h.TaskId != failed.TaskId);
        Assert.Equal($"MimicPrepareData scheduled on queue 'default', retrying #{failed.TaskId}", retry.Summary);
        var timer = Assert.Single(history, h => h.Type == "TimerCreated");
        Assert.StartsWith("retry wait until", timer.Summary, StringComparison.Ordinal);
        Assert.EndsWith($"MimicPrepareData #{failed.TaskId} failed, retried as #{retry.TaskId}", timer.Summary, StringComparison.Ordinal);
        Assert.Equal("MimicPrepareData", retry.Data["Name"]?.GetValue<string>());
        Assert.Contains(history, h => h.Type == "SubOrchestrationInstanceCreated" && h.Name == "MimicLabeling");
        Assert.Contains(history, h => h.Type == "OrchestratorStarted");
    }

    [Fact]
    public async Task Loss_EachTrainingStage_ParsedFromTheTrainersJsonl()
    {
        var runId = $"run-{DashboardHostFixture.CompletedDrop}";
        foreach (var stage in RunLayout.TrainingStages)
        {
            var curve = await _host.GetAsync<LossCurve>($"api/runs/{runId}/loss/{stage}");

            Assert.Equal((runId, stage, MimicPipeline.TrainingSteps), (curve.RunId, curve.Stage, curve.TotalPoints));
            Assert.Equal(Enumerable.Range(1, MimicPipeline.TrainingSteps).Select(i => (long)i), curve.Points.Select(p => p.Step));
            Assert.All(curve.Points, p => Assert.NotNull(p.Loss));
            Assert.True(curve.Points[0].Loss > curve.Points[^1].Loss);
            Assert.Equal([20L, 40L, 60L], curve.Evaluations.Select(e => e.Step));
            Assert.All(curve.Evaluations, e => Assert.True(e.Metrics.ContainsKey("val_loss")));
        }
    }

    [Fact]
    public async Task Loss_MaxPoints_ThinsEvenlyKeepingFirstAndLast()
    {
        var curve = await _host.GetAsync<LossCurve>($"api/runs/run-{DashboardHostFixture.CompletedDrop}/loss/cpt?maxPoints=7");

        Assert.Equal(MimicPipeline.TrainingSteps, curve.TotalPoints);
        Assert.Equal(7, curve.Points.Count);
        Assert.Equal(1, curve.Points[0].Step);
        Assert.Equal(MimicPipeline.TrainingSteps, curve.Points[^1].Step);
    }

    [Fact]
    public async Task Loss_TornAndMalformedLines_AreSkippedNotFatal()
    {
        var runId = "run-torn";
        await _host.Store.WriteAsync(RunLayout.LossLog(runId, "sft"),
            "{\"step\":1,\"loss\":2.5}\nnot json\n{\"step\":2,\"loss\":\"NaN\"}\n{\"step\":3,\"loss\":1.5}\n{\"step\":4,\"lo"u8.ToArray(), TestContext.Current.CancellationToken);

        var curve = await _host.GetAsync<LossCurve>($"api/runs/{runId}/loss/sft");

        Assert.Equal([1L, 2L, 3L], curve.Points.Select(p => p.Step));
        Assert.Equal([2.5, null, 1.5], curve.Points.Select(p => p.Loss));
    }

    [Theory]
    [InlineData("api/runs/run-drop-0001/loss/prepare", HttpStatusCode.NotFound)]
    [InlineData("api/runs/run-none/loss/cpt", HttpStatusCode.NotFound)]
    [InlineData("api/runs/..%2Fclicklogs/loss/cpt", HttpStatusCode.BadRequest)]
    [InlineData("api/runs/run-none/report", HttpStatusCode.NotFound)]
    public async Task Runs_UnknownOrBad_404Or400(string path, HttpStatusCode expected)
    {
        using var response = await _host.Http.GetAsync(path, TestContext.Current.CancellationToken);

        Assert.Equal(expected, response.StatusCode);
    }

    [Fact]
    public async Task Report_CompletedRun_IsTheReportJsonInTheProductsFormat()
    {
        var runId = $"run-{DashboardHostFixture.CompletedDrop}";

        var served = await _host.Http.GetStringAsync($"api/runs/{runId}/report", TestContext.Current.CancellationToken);

        // The product's own reader takes what the dashboard serves: its format, keys and numbers came through.
        var report = JsonSerializer.Deserialize<EvaluationReport>(served, ReportSet.Json)!;
        Assert.Equal((EvaluationReport.CurrentFormat, runId), (report.Format, report.RunId));
        Assert.Equal((0.66, 0.63, 0.49), (report.Teacher.Ndcg5, report.Student.Ndcg5, report.Bm25.Ndcg5));
        Assert.Equal(0.68, report.Result.Student.Ndcg10);
        var output = (await _host.GetAsync<InstanceDetail>($"api/instances/{fixture.CompletedId}")).Output!;
        Assert.Equal((true, output["reason"]!.GetValue<string>()), (report.Promotion!.Promoted, report.Promotion.Reason));
        Assert.StartsWith("Student NDCG@5 0.6300 is 0.9545 of the teacher's 0.6600", report.Promotion.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Artifacts_RunFile_StreamedAsStoredWithSandboxPolicy()
    {
        var name = RunLayout.ReportJson($"run-{DashboardHostFixture.CompletedDrop}");
        var stored = await _host.Store.ReadAllBytesAsync(name, cancellationToken: TestContext.Current.CancellationToken);

        using var response = await _host.Http.GetAsync($"api/artifacts/{name}", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(stored, await response.Content.ReadAsByteArrayAsync(TestContext.Current.CancellationToken));
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.StartsWith("sandbox", response.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Artifacts_Folder_ListsItsFiles()
    {
        var model = RunLayout.Model($"run-{DashboardHostFixture.CompletedDrop}", RunLayout.Stages.Distillation);

        using var response = await _host.Http.GetAsync($"api/artifacts/{model}", TestContext.Current.CancellationToken);

        Assert.Equal("true", response.Headers.GetValues(RunEndpoints.ListingHeader).Single());
        using var listing = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        Assert.Equal([$"{model}/config.json"], listing.RootElement.GetProperty("files").EnumerateArray().Select(f => f.GetProperty("name").GetString()));
    }

    [Theory]
    [InlineData("api/artifacts/clicklogs/drop-0001/_SUCCESS", HttpStatusCode.BadRequest)]
    [InlineData("api/artifacts/labels/human.tsv", HttpStatusCode.BadRequest)]
    [InlineData("api/artifacts/runs/x%5C..%5C..%5Ctaskhub.db", HttpStatusCode.BadRequest)]
    [InlineData("api/artifacts/runs/x/%2E%2E/%2E%2E/taskhub.db", HttpStatusCode.BadRequest)]
    [InlineData("api/artifacts/models/x%3A%2Fetc", HttpStatusCode.BadRequest)]
    // %2F is not a separator: it stays inside one segment, a literal name that names nothing.
    [InlineData("api/artifacts/runs/..%2F..%2Fetc/manifest.json", HttpStatusCode.NotFound)]
    [InlineData("api/artifacts/runs/a/../../taskhub.db", HttpStatusCode.BadRequest)]
    [InlineData("api/artifacts/runs/nothing/manifest.json", HttpStatusCode.NotFound)]
    // Under runs/, only what the page links is served.
    [InlineData("api/artifacts/runs/nothing/here.json", HttpStatusCode.BadRequest)]
    public async Task Artifacts_OutsideRunsAndModelsOrInvalid_Refused(string path, HttpStatusCode expected)
    {
        using var response = await _host.Http.GetAsync(path, TestContext.Current.CancellationToken);

        Assert.Equal(expected, response.StatusCode);
    }

    [Fact]
    public async Task Artifacts_RunFilesMadeFromDropsAndLabels_NotServedWhatThePageLinksIs()
    {
        var runId = $"run-{DashboardHostFixture.CompletedDrop}";
        var store = _host.Store;
        // Files a real run writes from the drop's sessions and the human labels, next to what the page links.
        string[] hidden =
        [
            $"runs/{runId}/rejected/clicklogs.jsonl", $"runs/{runId}/data/sft/train.jsonl", $"runs/{runId}/data/eval/test.jsonl",
            $"runs/{runId}/report/qrels.txt", $"runs/{runId}/labels/shard-00000.jsonl", $"runs/{runId}/checkpoints/cpt/step-1/model.safetensors",
        ];
        string[] linked =
        [
            RunLayout.ReportJson(runId), RunLayout.LossLog(runId, RunLayout.Stages.ContinuedPretraining), RunLayout.Manifest(runId),
            RunLayout.Progress(runId, RunLayout.Stages.Distillation), $"{RunLayout.Model(runId, RunLayout.Stages.Distillation)}/config.json",
        ];
        foreach (var name in hidden.Concat(linked))
        {
            if (await store.GetInfoAsync(name, TestContext.Current.CancellationToken) is null)
                await store.WriteAsync(name, """{"session":"s-0001"}"""u8.ToArray(), TestContext.Current.CancellationToken);
        }

        foreach (var name in hidden.Concat([$"runs/{runId}", $"runs/{runId}/data", $"runs/{runId}/rejected"]))
        {
            using var response = await _host.Http.GetAsync($"api/artifacts/{name}", TestContext.Current.CancellationToken);
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{name}: {(int)response.StatusCode}");
        }
        foreach (var name in linked)
        {
            using var response = await _host.Http.GetAsync($"api/artifacts/{name}", TestContext.Current.CancellationToken);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{name}: {(int)response.StatusCode}");
        }
    }

    [Fact]
    public async Task Timeline_GpuStepWithoutAGpuWorker_WaitingForOneNotFailed()
    {
        var id = await _host.Client.ScheduleNewOrchestrationInstanceAsync(MimicPipeline.GpuCallerName, "x", cancellation: TestContext.Current.CancellationToken);
        // The default worker forwards the step to the gpu hub, where it stays Pending: no worker serves the gpu queue here.
        var gpuStep = await WaitForGpuStepAsync(GpuStep.InstanceIdFor(id, 0));

        var step = Assert.Single((await _host.GetAsync<Timeline>($"api/instances/{id}/timeline")).Steps);

        Assert.Equal(OrchestrationRuntimeStatus.Pending, gpuStep.RuntimeStatus);
        Assert.Equal((MimicPipeline.GpuStepName, TaskQueues.Gpu, "waiting"), (step.Name, step.Queue, step.Status));
        Assert.Contains("waiting for a GPU worker", step.Waiting, StringComparison.Ordinal);
        Assert.Contains("not failed", step.Waiting, StringComparison.Ordinal);
        Assert.Equal("waiting", Assert.Single(step.Attempts).Outcome);
        await _host.Client.TerminateInstanceAsync(id, "test done", TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task Antiforgery_Token_ComesWithItsCookieAndHeaderName()
    {
        using var http = _host.NewHttpClient();

        using var response = await http.GetAsync("api/antiforgery", TestContext.Current.CancellationToken);

        var token = await response.Content.ReadFromJsonAsync<AntiforgeryToken>(DashboardJson.Options, TestContext.Current.CancellationToken);
        Assert.Equal("X-XSRF-TOKEN", token!.HeaderName);
        Assert.False(string.IsNullOrEmpty(token.Token));
        var cookie = Assert.Single(response.Headers.GetValues("Set-Cookie"));
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);
    }

    private async Task<OrchestrationMetadata> WaitForGpuStepAsync(string gpuStepId)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            if (await _host.GpuClient.GetInstanceAsync(gpuStepId, TestContext.Current.CancellationToken) is { } step)
                return step;
            Assert.True(DateTime.UtcNow < deadline, $"the gpu step {gpuStepId} never reached the gpu hub");
            await Task.Delay(20, TestContext.Current.CancellationToken);
        }
    }
}
