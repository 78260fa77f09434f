using Microsoft.AspNetCore.Antiforgery;
using RankDistill.Workflows.Dashboard.Api;

namespace RankDistill.Workflows.Dashboard;

/// <summary>
/// <c>app.MapDashboard()</c>: the security middleware, the embedded browser client at <c>/</c>, and the JSON API under
/// <c>/api</c> (reads are GET; actions are POST only and pass the anti-forgery check). Call it once, after
/// <see cref="DashboardServiceCollectionExtensions.AddDashboard"/>.
/// </summary>
public static class DashboardEndpoints
{
    public static WebApplication MapDashboard(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var assets = app.Services.GetRequiredService<DashboardAssets>();
        // Anything a handler does not answer itself still gets a ProblemDetails body, and a request the server could
        // not read (BadHttpRequestException) its own status, never a bare 500.
        app.UseExceptionHandler(new ExceptionHandlerOptions
        {
            StatusCodeSelector = e => e is BadHttpRequestException bad ? bad.StatusCode : StatusCodes.Status500InternalServerError,
        });
        app.UseMiddleware<DashboardSecurityMiddleware>();
        app.UseDefaultFiles(new DefaultFilesOptions { FileProvider = assets.Files });
        app.UseStaticFiles(new StaticFileOptions
        {
            FileProvider = assets.Files,
            // Revalidate every time (ETags make that cheap), so a new build's client is never mixed with an old one.
            OnPrepareResponse = c => c.Context.Response.Headers.CacheControl = "no-cache",
        });

        var api = app.MapGroup("/api");
        api.MapGet("/antiforgery", (HttpContext context, IAntiforgery antiforgery) =>
        {
            var tokens = antiforgery.GetAndStoreTokens(context);
            return new AntiforgeryToken(tokens.HeaderName!, tokens.RequestToken!);
        });
        api.MapInstanceEndpoints();
        api.MapActionEndpoints();
        api.MapRunEndpoints();
        return app;
    }

    internal static IResult NotFound(string what) => Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found", detail: what);

    internal static IResult BadRequest(string what) => Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Bad request", detail: what);
}
