using Microsoft.Extensions.FileProviders;

namespace RankDistill.Workflows.Dashboard;

/// <summary>
/// The browser client (HTML, CSS, JavaScript modules, icon) embedded in this assembly from <c>Dashboard/wwwroot</c>:
/// nothing is fetched from elsewhere, so the dashboard works on machines without internet.
/// </summary>
internal sealed class DashboardAssets
{
    private static readonly string[] _publicExtensions = [".html", ".js", ".css", ".svg"];

    public IFileProvider Files { get; } = new EmbeddedFileProvider(typeof(DashboardAssets).Assembly, "RankDistill.Workflows.Dashboard.wwwroot");

    /// <summary>True for the page and its static files: they hold no data, so the page can load and then ask for the key.</summary>
    public bool IsPublic(HttpRequest request)
    {
        if (!HttpMethods.IsGet(request.Method) && !HttpMethods.IsHead(request.Method))
            return false;
        var path = request.Path.Value ?? "/";
        if (path == "/")
            return true;
        return _publicExtensions.Any(e => path.EndsWith(e, StringComparison.OrdinalIgnoreCase)) && Files.GetFileInfo(path).Exists;
    }
}
