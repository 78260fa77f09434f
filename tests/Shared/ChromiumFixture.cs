#if PLAYWRIGHT
using Microsoft.Playwright;

namespace RankDistill.Testing;

/// <summary>
/// One headless Chromium for a test class: Microsoft.Playwright driving Debian's <c>/usr/bin/chromium</c> (installed by
/// <c>scripts/install-test-tools</c>; Playwright's own browser download is never used). Compiled only into projects that
/// reference Microsoft.Playwright and define <c>PLAYWRIGHT</c>. Screenshots go to <see cref="ScreenshotFolder"/>.
/// </summary>
public sealed class ChromiumFixture : IAsyncLifetime
{
    public const string ExecutablePath = "/usr/bin/chromium";

    private IPlaywright? _playwright;
    private IBrowser? _browser;

    public IBrowser Browser => _browser ?? throw new InvalidOperationException("Chromium has not started.");

    /// <summary>A fresh page in a context of its own, recording console errors (<see cref="BrowserPage"/>).</summary>
    public Task<BrowserPage> OpenPageAsync(TimeSpan timeout) => BrowserPage.OpenAsync(Browser, timeout);

    public async ValueTask InitializeAsync()
    {
        if (!File.Exists(ExecutablePath))
            throw new InvalidOperationException($"Chromium is not installed at {ExecutablePath}: run scripts/install-test-tools");
        _playwright = await Playwright.CreateAsync();
        List<string> args = ["--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run", "--disable-sync"];
        // Chromium's sandbox cannot start as root; as another user it stays on.
        if (Environment.UserName == "root")
            args.Insert(0, "--no-sandbox");
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = ExecutablePath, Headless = true, Args = args });
    }

    public async ValueTask DisposeAsync()
    {
        if (_browser is not null)
            await _browser.DisposeAsync();
        _playwright?.Dispose();
    }

    /// <summary>
    /// <c>&lt;results&gt;/&lt;area&gt;</c>, created: the results directory given to the test run (<c>--results-directory</c>,
    /// as scripts/test passes it), else <c>TestResults</c> at the repository root.
    /// </summary>
    public static string ScreenshotFolder(string area)
    {
        var args = Environment.GetCommandLineArgs();
        var index = Array.FindIndex(args, a => a is "--results-directory" or "--results-dir");
        var results = index >= 0 && index + 1 < args.Length
            ? Path.GetFullPath(args[index + 1])
            : Path.Combine(RepositoryRoot.Path, "TestResults");
        return Directory.CreateDirectory(Path.Combine(results, area)).FullName;
    }
}
#endif
