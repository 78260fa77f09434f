using RankDistill.Testing;
using static Microsoft.Playwright.Assertions;

namespace RankDistill.Workflows.Tests.Dashboard;

/// <summary>Links into the page that do not decode (hand-edited, truncated) in a real browser: the list with a notice, never a blank page.</summary>
public sealed class DashboardLinkTests(DashboardHostFixture fixture, ChromiumFixture chromium)
    : IClassFixture<DashboardHostFixture>, IClassFixture<ChromiumFixture>
{
    [Fact]
    public async Task InstanceLink_MalformedPercentEncoding_ShowsTheListAndSaysSo()
    {
        await using var context = await chromium.Browser.NewContextAsync();
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(20_000);
        var errors = new List<string>();
        page.PageError += (_, error) => errors.Add(error);

        await page.GotoAsync(fixture.Host.BaseAddress + "#/instances/%E0%A4");

        await Expect(page.Locator($"tr[data-instance-id='{fixture.CompletedId}']")).ToBeVisibleAsync();
        await Expect(page.Locator("#toast")).ToHaveTextAsync("The link names no valid instance id; showing the list.");
        Assert.Empty(errors);
    }
}
