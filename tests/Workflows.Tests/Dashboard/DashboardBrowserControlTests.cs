using DurableTask.Core.History;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Playwright;
using RankDistill.Testing;
using RankDistill.Workflows.Dashboard.Api;
using static Microsoft.Playwright.Assertions;

namespace RankDistill.Workflows.Tests.Dashboard;

/// <summary>
/// The list's filters and paging, and the action buttons Terminate aside (<see cref="DashboardBrowserTests"/> clicks it),
/// in headless Chromium against the real host running <see cref="MimicPipeline"/> instances. What a button did is read
/// back from the engine, not from the page. Fails on any console error.
/// </summary>
public sealed class DashboardBrowserControlTests(DashboardHostFixture fixture, ChromiumFixture chromium)
    : IClassFixture<DashboardHostFixture>, IClassFixture<ChromiumFixture>, IAsyncLifetime
{
    private readonly DashboardTestHost _host = fixture.Host;
    private BrowserPage? _browserPage;

    private IPage Page => _browserPage!.Page;

    private IReadOnlyList<string> ConsoleErrors => _browserPage!.ConsoleErrors;

    private ILocator Rows => Page.Locator("#instances tr[data-instance-id]");

    public async ValueTask InitializeAsync()
    {
        // Both waits are for the page to reach a state (the host answering, the refresh after an action): generous,
        // since a loaded 2-core machine may take seconds.
        _browserPage = await chromium.OpenPageAsync(TimeSpan.FromSeconds(30));
        SetDefaultExpectTimeout(30_000);
    }

    public async ValueTask DisposeAsync()
    {
        if (_browserPage is not null)
            await _browserPage.DisposeAsync();
    }

    [Fact]
    public async Task ListFilters_StatusNameAndSubOrchestrations_ShowOnlyTheMatchingInstances()
    {
        var marker = Path.Combine(_host.DataRoot, "fail-bf");
        await File.WriteAllTextAsync(marker, "", TestContext.Current.CancellationToken);
        var done = await _host.StartPipelineAsync("bf-done");
        var held = await _host.StartPipelineAsync("bf-held", holdForEvent: "approve");
        var failed = await _host.StartPipelineAsync("bf-failed", failMarker: marker);
        Assert.Equal(OrchestrationRuntimeStatus.Completed, (await _host.WaitForEndAsync(done)).RuntimeStatus);
        Assert.Equal(OrchestrationRuntimeStatus.Failed, (await _host.WaitForEndAsync(failed)).RuntimeStatus);
        await _host.WaitUntilHeldAsync(held);
        await Page.GotoAsync(_host.BaseAddress.ToString());

        await ApplyFiltersAsync(prefix: "pipeline-bf-");
        await ExpectRowsAsync(done, held, failed);

        await ApplyFiltersAsync(prefix: "pipeline-bf-", statuses: ["Running"]);
        await ExpectRowsAsync(held);
        Assert.EndsWith("#/?status=Running&prefix=pipeline-bf-", Page.Url, StringComparison.Ordinal);
        // The filtered view is in the address: opened afresh, it shows the same rows.
        await Page.ReloadAsync();
        await ExpectRowsAsync(held);

        await ApplyFiltersAsync(prefix: "pipeline-bf-", statuses: ["Completed", "Failed"]);
        await ExpectRowsAsync(done, failed);

        // The labelling children are hidden unless asked for; the orchestration name picks them alone.
        await ApplyFiltersAsync(prefix: "pipeline-bf-", name: "MimicLabeling", children: true);
        await ExpectRowsAsync(MimicPipeline.LabelingInstanceId(done), MimicPipeline.LabelingInstanceId(failed));
        Assert.Empty(ConsoleErrors);
        await _host.Client.TerminateInstanceAsync(held, "test done", TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task ListPaging_PageSizeTen_OlderAndNewerWalkEveryInstanceOnce()
    {
        // Scheduled for tomorrow: twelve instances that stay Pending and cost the worker nothing.
        var ids = new List<string>();
        for (var i = 0; i < 12; i++)
        {
            ids.Add(await _host.Client.ScheduleNewOrchestrationInstanceAsync(MimicPipeline.Name, MimicPipeline.NewInput($"bp-{i:D2}"),
                new StartOrchestrationOptions { InstanceId = $"pipeline-bp-{i:D2}", StartAt = DateTimeOffset.UtcNow.AddDays(1) }, TestContext.Current.CancellationToken));
        }
        await Page.GotoAsync(_host.BaseAddress.ToString());
        await ApplyFiltersAsync(prefix: "pipeline-bp-", pageSize: "10");
        var pager = Page.Locator(".pager");
        var older = pager.GetByRole(AriaRole.Button, new() { Name = "Older →" });
        var newer = pager.GetByRole(AriaRole.Button, new() { Name = "← Newer" });

        await ExpectPageAsync("pipeline-bp-", 10);
        await Expect(pager).ToContainTextAsync("page 1");
        await Expect(newer).ToBeDisabledAsync();
        var first = await RowIdsAsync();
        await older.ClickAsync();
        await Expect(pager).ToContainTextAsync("page 2");
        await ExpectPageAsync("pipeline-bp-", 2);
        await Expect(older).ToBeDisabledAsync();
        var second = await RowIdsAsync();
        await newer.ClickAsync();
        await Expect(pager).ToContainTextAsync("page 1");

        Assert.Equal(ids.Order(StringComparer.Ordinal), first.Concat(second).Order(StringComparer.Ordinal));
        Assert.Equal(first, await RowIdsAsync());
        Assert.Empty(ConsoleErrors);
    }

    [Fact]
    public async Task SuspendResumeAndRaiseEventButtons_HeldInstance_RunsToCompletion()
    {
        var id = await _host.StartPipelineAsync("browser-suspend", holdForEvent: "approve");
        await _host.WaitUntilHeldAsync(id);
        await Page.GotoAsync($"{_host.BaseAddress}#/instances/{id}");
        var status = Page.Locator("#part-summary [data-status]");
        await Expect(status).ToHaveTextAsync("Running");

        await ConfirmAsync("suspend", ("reason", "look first"));
        await _host.WaitForAsync(id, i => i.RuntimeStatus == OrchestrationRuntimeStatus.Suspended, "suspended");
        await Expect(status).ToHaveTextAsync("Suspended");
        await ConfirmAsync("resume", ("reason", "looks fine"));
        await _host.WaitForAsync(id, i => i.RuntimeStatus == OrchestrationRuntimeStatus.Running, "running again");
        await Expect(status).ToHaveTextAsync("Running");
        await ConfirmAsync("raise-event", ("eventName", "approve"), ("payload", """{"by": "browser"}"""));

        Assert.Equal(OrchestrationRuntimeStatus.Completed, (await _host.WaitForEndAsync(id)).RuntimeStatus);
        var history = await _host.Client.GetOrchestrationHistoryAsync(id, TestContext.Current.CancellationToken);
        Assert.Equal(["look first"], history.OfType<ExecutionSuspendedEvent>().Select(e => e.Reason));
        Assert.Equal(["looks fine"], history.OfType<ExecutionResumedEvent>().Select(e => e.Reason));
        Assert.Equal("""{"by":"browser"}""", history.OfType<EventRaisedEvent>().Single(e => e.Name == "approve").Input);
        await Expect(status).ToHaveTextAsync("Completed");
        Assert.Empty(ConsoleErrors);
    }

    [Fact]
    public async Task RewindButton_FailedInstanceAfterTheFix_CompletesRunningOnlyTheFailedStep()
    {
        var marker = Path.Combine(_host.DataRoot, "fail-browser-rewind");
        await File.WriteAllTextAsync(marker, "", TestContext.Current.CancellationToken);
        var id = await _host.StartPipelineAsync("browser-rewind", failMarker: marker);
        Assert.Equal(OrchestrationRuntimeStatus.Failed, (await _host.WaitForEndAsync(id)).RuntimeStatus);
        File.Delete(marker);
        await Page.GotoAsync($"{_host.BaseAddress}#/instances/{id}");
        await Expect(Page.Locator("#part-summary [data-status]")).ToHaveTextAsync("Failed");

        await ConfirmAsync("rewind", ("reason", "evaluation set restored"));

        await _host.WaitForAsync(id, i => i.RuntimeStatus == OrchestrationRuntimeStatus.Completed, "completed after the rewind");
        var steps = (await _host.GetAsync<Timeline>($"api/instances/{id}/timeline")).Steps;
        Assert.Equal(MimicPipeline.StepNames, steps.Select(s => s.Name));
        Assert.All(steps, s => Assert.Equal("completed", s.Status));
        Assert.All(steps.Where(s => s.Name == "MimicTrain"), s => Assert.Single(s.Attempts));
        await Expect(Page.Locator("#part-summary [data-status]")).ToHaveTextAsync("Completed");
        Assert.Empty(ConsoleErrors);
    }

    [Fact]
    public async Task PurgeButton_CompletedInstance_GoneFromTheEngineAndTheList()
    {
        var id = await _host.StartPipelineAsync("browser-purge");
        await _host.WaitForEndAsync(id);
        await Page.GotoAsync($"{_host.BaseAddress}#/instances/{id}");
        await Expect(Page.Locator("#part-summary [data-status]")).ToHaveTextAsync("Completed");

        await ConfirmAsync("purge");

        await Expect(Page.Locator("#toast")).ToContainTextAsync("Purged");
        Assert.Null(await _host.Client.GetInstanceAsync(id, TestContext.Current.CancellationToken));
        // The page went back to the list, which no longer has it.
        await Expect(Page.Locator("h1")).ToHaveTextAsync("Pipelines");
        await Expect(Rows.First).ToBeVisibleAsync();
        await Expect(Page.Locator($"tr[data-instance-id='{id}']")).ToHaveCountAsync(0);
        Assert.Empty(ConsoleErrors);
    }

    /// <summary>Sets the list's filter form as a person would (anything not given left empty) and applies it.</summary>
    private async Task ApplyFiltersAsync(string prefix, string[]? statuses = null, string name = "", bool children = false, string pageSize = "25")
    {
        foreach (var box in await Page.Locator(".filters fieldset input[type=checkbox]").AllAsync())
        {
            var status = await box.GetAttributeAsync("value");
            await box.SetCheckedAsync(statuses is not null && Array.IndexOf(statuses, status) >= 0);
        }
        await Page.Locator("input[name=name]").FillAsync(name);
        await Page.Locator("input[name=prefix]").FillAsync(prefix);
        await Page.Locator("input[name=children]").SetCheckedAsync(children);
        await Page.Locator("select[name=pageSize]").SelectOptionAsync(pageSize);
        await Page.Locator("#apply-filters").ClickAsync();
    }

    /// <summary>Waits until the table shows exactly these instances (in any order).</summary>
    private async Task ExpectRowsAsync(params string[] ids)
    {
        // The ids first: a table is replaced whole, so once they show, the rows counted are the new table's.
        foreach (var id in ids)
            await Expect(Page.Locator($"#instances tr[data-instance-id='{id}']")).ToHaveCountAsync(1);
        await Expect(Rows).ToHaveCountAsync(ids.Length);
    }

    /// <summary>Waits until the table shows <paramref name="count"/> rows, all of ids starting with <paramref name="prefix"/>.</summary>
    private Task ExpectPageAsync(string prefix, int count) => Page.WaitForFunctionAsync(
        "([prefix, count]) => { const ids = [...document.querySelectorAll('#instances tr[data-instance-id]')].map(r => r.dataset.instanceId); "
        + "return ids.length === count && ids.every(id => id.startsWith(prefix)); }", new object[] { prefix, count });

    private Task<string[]> RowIdsAsync() => Rows.EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.instanceId)");

    /// <summary>Clicks an action button, fills the confirmation dialog's fields and confirms.</summary>
    private async Task ConfirmAsync(string action, params (string Field, string Value)[] fields)
    {
        await Page.Locator($"button[data-action={action}]").ClickAsync();
        var dialog = Page.Locator("#confirm-dialog");
        await Expect(dialog).ToBeVisibleAsync();
        foreach (var (field, value) in fields)
            await dialog.Locator($"[name={field}]").FillAsync(value);
        await Page.Locator("#confirm-ok").ClickAsync();
        await Expect(dialog).ToBeHiddenAsync();
    }
}
