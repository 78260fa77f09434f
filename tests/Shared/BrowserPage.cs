#if PLAYWRIGHT
using Microsoft.Playwright;

namespace RankDistill.Testing;

/// <summary>
/// A page of its own browser context (1400 × 1000) that records every console error and uncaught page error, a CSP
/// violation included: the dashboard's browser tests assert there were none. Opened by
/// <see cref="ChromiumFixture.OpenPageAsync"/>; disposing it closes the context.
/// </summary>
public sealed class BrowserPage : IAsyncDisposable
{
    private readonly IBrowserContext _context;
    private readonly List<string> _consoleErrors = [];

    private BrowserPage(IBrowserContext context, IPage page)
    {
        _context = context;
        Page = page;
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
                _consoleErrors.Add(message.Text);
        };
        page.PageError += (_, error) => _consoleErrors.Add(error);
    }

    public IPage Page { get; }

    public IReadOnlyList<string> ConsoleErrors => _consoleErrors;

    /// <summary>Opens the page; <paramref name="timeout"/> is how long an action waits for the page to reach a state.</summary>
    internal static async Task<BrowserPage> OpenAsync(IBrowser browser, TimeSpan timeout)
    {
        var context = await browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1400, Height = 1000 } });
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout((float)timeout.TotalMilliseconds);
        return new BrowserPage(context, page);
    }

    public ValueTask DisposeAsync() => _context.DisposeAsync();
}
#endif
