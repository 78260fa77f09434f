using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.DurableTask.Client;
using Microsoft.Playwright;
using RankDistill.Activities.Pipeline;
using RankDistill.Activities.Reporting;
using RankDistill.Testing;
using RankDistill.Workflows.Dashboard.Api;
using RankDistill.Workflows.Tests.Runs;
using static Microsoft.Playwright.Assertions;

namespace RankDistill.Workflows.Tests.Dashboard;

/// <summary>
/// The page in a real browser (headless Chromium through Playwright) against the real host: the list shows the
/// pipeline the fixture ran (<see cref="PipelineUnderTest"/>), its page shows steps and loss charts, and Terminate works
/// (on a held <see cref="MimicPipeline"/>, which stays running until acted on). The timeline of the real pipeline's
/// DurableTask.Core history is checked through the API too. Each test saves a screenshot
/// under the test results (<c>TestResults/dashboard/</c>) and fails on any console error (a CSP violation included).
/// </summary>
public sealed class DashboardBrowserTests(BrowserHostFixture fixture, ChromiumFixture chromium)
    : IClassFixture<BrowserHostFixture>, IClassFixture<ChromiumFixture>, IAsyncLifetime
{
    private static readonly string _screenshots = ChromiumFixture.ScreenshotFolder("dashboard");
    private readonly DashboardTestHost _host = fixture.Host;
    private BrowserPage? _browserPage;

    private IPage Page => _browserPage!.Page;

    private IReadOnlyList<string> ConsoleErrors => _browserPage!.ConsoleErrors;

    public async ValueTask InitializeAsync() => _browserPage = await chromium.OpenPageAsync(TimeSpan.FromSeconds(20));

    public async ValueTask DisposeAsync()
    {
        if (_browserPage is not null)
            await _browserPage.DisposeAsync();
    }

    [Fact]
    public async Task ListPage_ShowsThePipelineTheTestRan()
    {
        await Page.GotoAsync(_host.BaseAddress.ToString());

        var row = Page.Locator($"tr[data-instance-id='{fixture.CompletedId}']");
        await Expect(row).ToBeVisibleAsync();
        await Expect(row.Locator("[data-status]")).ToHaveTextAsync("Completed");
        await Expect(row).ToContainTextAsync(DashboardHostFixture.CompletedDrop);
        await Page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(_screenshots, "list.png"), FullPage = true });

        // Filters live in the address: an id prefix that matches nothing empties the table.
        await Page.Locator("input[name=prefix]").FillAsync("no-such-prefix");
        await Page.Locator("#apply-filters").ClickAsync();
        await Expect(Page.Locator(".empty")).ToHaveTextAsync("No pipeline instances match.");
        Assert.Contains("prefix=no-such-prefix", Page.Url, StringComparison.Ordinal);
        Assert.Empty(ConsoleErrors);
    }

    [Fact]
    public async Task InstancePage_ShowsStepsLossChartsAndReport()
    {
        await Page.GotoAsync(_host.BaseAddress.ToString());
        await Page.Locator($"a[href='#/instances/{fixture.CompletedId}']").ClickAsync();

        await Expect(Page.Locator("h1")).ToHaveTextAsync(fixture.CompletedId);
        var steps = Page.Locator("#steps tr.step");
        await Expect(steps).ToHaveCountAsync(PipelineUnderTest.StepNames.Count);
        Assert.Equal(PipelineUnderTest.StepNames, await Page.Locator("#steps tr.step").EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.step)"));
        Assert.All(await Page.Locator("#steps tr.step").EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.status)"), s => Assert.Equal("completed", s));
        // The labelling sub-orchestration's shards, all done.
        await Expect(steps.Filter(new LocatorFilterOptions { HasText = "sub-orchestration" }).Locator(".shards")).ToHaveTextAsync(new Regex(@"^(\d+)/\1 "));
        var charts = Page.Locator("#training svg.loss-chart");
        await Expect(charts).ToHaveCountAsync(RunLayout.TrainingStages.Count);
        foreach (var chart in await charts.AllAsync())
        {
            Assert.True(int.Parse(await chart.GetAttributeAsync("data-points") ?? "0", CultureInfo.InvariantCulture) > 1);
            Assert.Matches(@"^M[\d.]+,[\d.]+ L", await chart.Locator("path.line").GetAttributeAsync("d"));
        }
        // The rankers in one table, first; then a row per training stage in the loss curves' summary.
        var rankers = Page.Locator("#report .report-table").First.Locator("tr[data-ranker]");
        await Expect(rankers).ToHaveCountAsync(3);
        Assert.Equal(["teacher", "student", "bm25"], await rankers.EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.ranker)"));
        foreach (var stage in RunLayout.TrainingStages)
            await Expect(Page.Locator($"#report tr[data-ranker='{stage}']")).ToHaveCountAsync(1);
        await Expect(Page.Locator("#report .decision")).ToContainTextAsync("Student promoted");
        await Expect(Page.Locator("#artifacts a.artifact").First).ToBeVisibleAsync();
        await Page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(_screenshots, "instance.png"), FullPage = true });
        Assert.Empty(ConsoleErrors);
    }

    [Fact]
    public async Task RunsPage_RealRunAndALaterOne_TableTrendChartsAndThePublishedModelMarked()
    {
        // The fixture's real run was promoted (gate opened); a later drop whose student falls under the gate joins it.
        var real = (await EvaluationReport.ReadAsync(_host.Store, fixture.CompletedId, TestContext.Current.CancellationToken))!;
        var later = await CompletedRuns.WriteAsync(_host.Store, "drop-browser-later", DateTime.UtcNow.AddMinutes(5), 0.8, 0.5, 0.7);
        Assert.False(later.Promoted);

        await Page.GotoAsync(_host.BaseAddress.ToString());
        await Page.Locator("#nav-runs").ClickAsync();

        var rows = Page.Locator("#runs tr[data-run-id]");
        await Expect(rows).ToHaveCountAsync(2);
        // Newest first in the table.
        Assert.Equal([later.RunId, fixture.CompletedId], await rows.EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.runId)"));
        var realRow = Page.Locator($"#runs tr[data-run-id='{fixture.CompletedId}']");
        await Expect(realRow).ToHaveClassAsync("published");
        await Expect(realRow.Locator(".published-tag")).ToHaveTextAsync("published");
        await Expect(realRow.Locator("[data-metric=student-ndcg5]")).ToHaveTextAsync(real.Student.Ndcg5.ToString("F3", CultureInfo.InvariantCulture));
        await Expect(realRow.Locator("[data-metric=teacher-pnr]")).ToHaveTextAsync(real.Teacher.Pnr.ToString("F3", CultureInfo.InvariantCulture));
        await Expect(realRow.Locator("[data-metric=promoted]")).ToContainTextAsync("promoted");
        var laterRow = Page.Locator($"#runs tr[data-run-id='{later.RunId}']");
        await Expect(laterRow.Locator("[data-metric=promoted]")).ToContainTextAsync("not promoted" + later.Reason);
        await Expect(laterRow.Locator("[data-metric=published-before]")).ToHaveTextAsync(fixture.CompletedId);
        await Expect(laterRow.Locator("[data-metric=bm25-ndcg5]")).ToHaveTextAsync("0.700");
        // Three decimals even for a whole number, as the CLI prints them.
        await Expect(laterRow.Locator("[data-metric=student-pnr]")).ToHaveTextAsync(CompletedRuns.Pnr(0.5).ToString("F3", CultureInfo.InvariantCulture));
        await Expect(laterRow.Locator("[data-metric=student-speedup]")).ToHaveTextAsync("20.0×");

        // Two trend charts (NDCG@5, PNR), a line per ranker through both runs, the published run marked on each.
        var charts = Page.Locator("#run-trends svg.trend-chart");
        await Expect(charts).ToHaveCountAsync(2);
        foreach (var chart in await charts.AllAsync())
        {
            foreach (var ranker in new[] { "teacher", "student", "bm25" })
                Assert.Matches(@"^M[\d.]+,[\d.]+ L[\d.]+,[\d.]+$", await chart.Locator($"path.line.series-{ranker}").GetAttributeAsync("d"));
            await Expect(chart.Locator($"g.published-marker[data-run-id='{fixture.CompletedId}']")).ToHaveCountAsync(1);
            await Expect(chart.Locator($"circle.promoted[data-run-id='{fixture.CompletedId}']")).ToHaveCountAsync(1);
            await Expect(chart.Locator($"circle.promoted[data-run-id='{later.RunId}']")).ToHaveCountAsync(0);
        }
        await Page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(_screenshots, "runs.png"), FullPage = true });
        Assert.Empty(ConsoleErrors);
    }

    [Fact]
    public async Task Timeline_RealPipeline_EachStepOnceWithItsManifestWritesFolded()
    {
        var timeline = await _host.GetAsync<Timeline>($"api/instances/{fixture.CompletedId}/timeline");

        Assert.Equal(PipelineUnderTest.StepNames, timeline.Steps.Select(s => s.Name));
        Assert.All(timeline.Steps, s => Assert.Equal("completed", s.Status));
        Assert.Equal(PipelineUnderTest.ManifestWrites, timeline.Steps.Select(s => s.Bookkeeping.Count(b => b is { Name: "WriteRunManifest", Status: "completed" })));
        var labeling = Assert.Single(timeline.Steps, s => s.Kind == "subOrchestration");
        Assert.Equal(labeling.Shards!.Total, labeling.Shards.Completed);
        Assert.Equal("gpu", timeline.Steps.Single(s => s.Name == "ContinuedPretraining").Queue);
        Assert.Equal(["gpu", "default"], new[] { "Distillation", "Evaluation" }.Select(n => timeline.Steps.Single(s => s.Name == n).Queue));
    }

    [Fact]
    public async Task TerminateButton_RunningInstance_TerminatesAfterConfirmation()
    {
        var id = await _host.StartPipelineAsync("drop-browser-terminate", holdForEvent: "approve");
        await _host.WaitUntilHeldAsync(id);
        await Page.GotoAsync($"{_host.BaseAddress}#/instances/{id}");
        await Expect(Page.Locator("#part-summary [data-status]")).ToHaveTextAsync("Running");

        await Page.Locator("button[data-action=terminate]").ClickAsync();
        var dialog = Page.Locator("#confirm-dialog");
        await Expect(dialog).ToBeVisibleAsync();
        await dialog.Locator("input[name=reason]").FillAsync("stopped from the browser test");
        await Page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(_screenshots, "terminate-confirm.png") });
        await Page.Locator("#confirm-ok").ClickAsync();

        await Expect(Page.Locator("#toast")).ToContainTextAsync("Termination requested");
        Assert.Equal(OrchestrationRuntimeStatus.Terminated, (await _host.WaitForEndAsync(id)).RuntimeStatus);
        // The page picks the new status up by itself (auto-refresh).
        await Expect(Page.Locator("#part-summary [data-status]")).ToHaveTextAsync("Terminated");
        await Expect(Page.Locator("button[data-action=terminate]")).ToBeDisabledAsync();
        await Page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(_screenshots, "terminated.png"), FullPage = true });
        Assert.Empty(ConsoleErrors);
    }

    [Fact]
    public async Task Page_HostWithKey_AsksForItOnceThenShowsTheList()
    {
        const string Key = "browser-test-key-0123456789";
        await using var keyed = await DashboardTestHost.StartAsync(new Dictionary<string, string?> { ["Dashboard:ApiKey"] = Key });
        var id = await keyed.StartPipelineAsync("drop-keyed");
        await keyed.WaitForEndAsync(id);

        await Page.GotoAsync(keyed.BaseAddress.ToString());
        await Expect(Page.Locator("#key-dialog")).ToBeVisibleAsync();
        await Page.Locator("#key-input").FillAsync(Key);
        await Page.Locator("#key-ok").ClickAsync();

        await Expect(Page.Locator($"tr[data-instance-id='{id}']")).ToBeVisibleAsync();
        Assert.Equal(Key, await Page.EvaluateAsync<string>("sessionStorage.getItem('rankdistill.apiKey')"));
        // The failed request that made the page ask is the one console error allowed.
        Assert.All(ConsoleErrors, e => Assert.Contains("401", e, StringComparison.Ordinal));
    }
}
