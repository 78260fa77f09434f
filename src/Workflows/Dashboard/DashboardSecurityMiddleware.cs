using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Primitives;

namespace RankDistill.Workflows.Dashboard;

/// <summary>
/// The dashboard's front door, before anything else runs:
/// <list type="bullet">
/// <item>security headers on every response (a strict Content-Security-Policy: scripts, styles and data from this host only;
/// <c>Cross-Origin-Resource-Policy: same-origin</c>; <c>Cache-Control: no-store</c> under <c>/api</c>);</item>
/// <item>loopback mode (every address Kestrel bound is loopback: <see cref="ListeningAddresses"/>): only requests whose
/// Host header names the loopback interface, so a web page that rebinds its own domain to 127.0.0.1 (DNS rebinding)
/// cannot read the API; bound beyond loopback without a key, nothing is served;</item>
/// <item>with an API key: every request but the static client files (which hold no data) must carry it, in
/// <c>X-Api-Key</c> or <c>Authorization: Bearer</c>, compared in constant time; otherwise 401.</item>
/// </list>
/// Actions are guarded further by POST-only routes and the anti-forgery check (<see cref="DashboardEndpoints"/>).
/// </summary>
internal sealed class DashboardSecurityMiddleware(
    RequestDelegate next, DashboardOptions options, DashboardAssets assets, ListeningAddresses listening, ILogger<DashboardSecurityMiddleware> logger)
{
    public const string ApiKeyHeader = "X-Api-Key";

    private const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; connect-src 'self'; "
        + "font-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

    private readonly byte[]? _keyHash = options.ApiKey is { } key ? SHA256.HashData(Encoding.UTF8.GetBytes(key)) : null;

    public Task InvokeAsync(HttpContext context)
    {
        var headers = context.Response.Headers;
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        headers["Referrer-Policy"] = "no-referrer";
        // No other site may embed or fetch our responses as resources (Spectre-style reads of a loaded response).
        headers["Cross-Origin-Resource-Policy"] = "same-origin";
        // API answers hold instance data and scrubbed payloads: never kept by a browser or proxy cache.
        if (context.Request.Path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase))
            headers.CacheControl = "no-store";
        var exposed = listening.IsExposed;
        if (exposed && _keyHash is null)
        {
            // Between the bind and the start-up check that stops the host: nothing is served beyond loopback without a key.
            logger.Refused(context, "listening beyond loopback without Dashboard:ApiKey");
            return Results.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "No API key",
                detail: "This dashboard listens beyond loopback and has no Dashboard:ApiKey; it refuses to serve.").ExecuteAsync(context);
        }
        if (!exposed && !BindingAddresses.IsLoopbackHost(context.Request.Host))
        {
            logger.Refused(context, $"Host header '{context.Request.Host}' is not a loopback name");
            return Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Host not allowed",
                detail: "This dashboard listens on loopback only and answers requests addressed to localhost, 127.0.0.1 or [::1].").ExecuteAsync(context);
        }
        if (_keyHash is not null && !assets.IsPublic(context.Request) && !HasKey(context.Request))
        {
            logger.Refused(context, "no valid API key");
            headers.WWWAuthenticate = "Bearer realm=\"RankDistill dashboard\"";
            return Results.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "API key required",
                detail: $"Send the dashboard's key (setting Dashboard:ApiKey) in the {ApiKeyHeader} header or as Authorization: Bearer <key>.").ExecuteAsync(context);
        }
        return next(context);
    }

    private bool HasKey(HttpRequest request)
    {
        var given = request.Headers[ApiKeyHeader] is { Count: 1 } header ? header.ToString() : BearerToken(request.Headers.Authorization);
        if (string.IsNullOrEmpty(given))
            return false;
        // Hashing first makes the comparison constant-time in the key's length too.
        return CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(given)), _keyHash);
    }

    private static string? BearerToken(StringValues authorization)
    {
        const string Scheme = "Bearer ";
        return authorization is { Count: 1 } && authorization.ToString() is { } value && value.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase)
            ? value[Scheme.Length..].Trim()
            : null;
    }
}
