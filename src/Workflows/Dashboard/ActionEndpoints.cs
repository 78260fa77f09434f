using System.Text.Json;
using Microsoft.AspNetCore.Antiforgery;
using RankDistill.Workflows.Dashboard.Api;

namespace RankDistill.Workflows.Dashboard;

/// <summary>
/// The write side, POST only, each behind the anti-forgery check: <c>/api/instances/{id}/terminate</c>, <c>suspend</c>,
/// <c>resume</c>, <c>rewind</c> (body <c>{ "reason": "..." }</c>, optional), <c>purge</c>, and <c>events/{name}</c> (body:
/// the event's JSON payload). Answers: 200 with an <see cref="ActionResult"/>; 404 unknown instance; 409 the status
/// does not allow it; 400 bad body (not JSON, unreadable, a form) or failed anti-forgery check; 413 payload too large.
/// </summary>
internal static class ActionEndpoints
{
    private const int MaxBodyBytes = 256 * 1024;

    public static void MapActionEndpoints(this RouteGroupBuilder api)
    {
        var actions = api.MapGroup("/instances/{id}").AddEndpointFilter<AntiforgeryFilter>();
        actions.MapPost("/terminate", (string id, HttpRequest request, InstanceActions a, CancellationToken ct) =>
            RunAsync(request.HttpContext, id, async () => await a.TerminateAsync(id, await ReasonAsync(request, ct), ct)));
        actions.MapPost("/suspend", (string id, HttpRequest request, InstanceActions a, CancellationToken ct) =>
            RunAsync(request.HttpContext, id, async () => await a.SuspendAsync(id, await ReasonAsync(request, ct), ct)));
        actions.MapPost("/resume", (string id, HttpRequest request, InstanceActions a, CancellationToken ct) =>
            RunAsync(request.HttpContext, id, async () => await a.ResumeAsync(id, await ReasonAsync(request, ct), ct)));
        actions.MapPost("/rewind", (string id, HttpRequest request, InstanceActions a, CancellationToken ct) =>
            RunAsync(request.HttpContext, id, async () => await a.RewindAsync(id, await ReasonAsync(request, ct), ct)));
        actions.MapPost("/purge", (string id, HttpRequest request, InstanceActions a, CancellationToken ct) =>
            RunAsync(request.HttpContext, id, () => a.PurgeAsync(id, ct)));
        actions.MapPost("/events/{name}", (string id, string name, HttpRequest request, InstanceActions a, CancellationToken ct) =>
            RunAsync(request.HttpContext, id, async () => await a.RaiseEventAsync(id, name, await BodyAsync(request, ct), ct)));
    }

    private static async Task<IResult> RunAsync(HttpContext context, string id, Func<Task<ActionResult>> action)
    {
        var logger = context.RequestServices.GetRequiredService<ILogger<InstanceActions>>();
        var path = context.Request.Path.Value ?? "";
        var name = path.Contains("/events/", StringComparison.Ordinal) ? InstanceActions.RaiseEvent : path[(path.LastIndexOf('/') + 1)..];
        IResult result;
        try
        {
            var done = await action();
            logger.Audit(done.Action, id, context, done.Message);
            return Results.Ok(done);
        }
        catch (InstanceNotFoundException)
        {
            result = InstanceEndpoints.NoInstance(id);
        }
        catch (InvalidOperationException e)
        {
            result = Results.Problem(statusCode: StatusCodes.Status409Conflict, title: "Not possible now", detail: e.Message);
        }
        catch (FormatException e)
        {
            result = DashboardEndpoints.BadRequest(e.Message);
        }
        catch (RequestBodyTooLargeException e)
        {
            result = Results.Problem(statusCode: StatusCodes.Status413PayloadTooLarge, title: "Payload too large", detail: e.Message);
        }
        catch (BadHttpRequestException e)
        {
            // The server could not read the body (bad chunk framing, a client that stalls): its reason, not a 500.
            result = Results.Problem(statusCode: e.StatusCode, title: "Bad request", detail: $"The body could not be read: {e.Message}");
        }
        logger.Audit(name, id, context, $"refused ({((IStatusCodeHttpResult)result).StatusCode})");
        return result;
    }

    private static async Task<string?> ReasonAsync(HttpRequest request, CancellationToken cancellationToken) =>
        await BodyAsync(request, cancellationToken) is { ValueKind: JsonValueKind.Object } body
            && body.TryGetProperty("reason", out var reason) && reason.ValueKind == JsonValueKind.String
            ? reason.GetString()
            : null;

    /// <summary>The request's JSON body, or null when it has none; the limit holds while reading, so an endless body is not buffered.</summary>
    private static async Task<JsonElement?> BodyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (request.ContentLength is 0 || (request.ContentLength is null && !request.Headers.TransferEncoding.Any()))
            return null;
        if (request.ContentLength > MaxBodyBytes)
            throw new RequestBodyTooLargeException($"The body is {request.ContentLength} bytes; the limit is {MaxBodyBytes}.");
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > MaxBodyBytes)
                throw new RequestBodyTooLargeException($"The body is over the limit of {MaxBodyBytes} bytes.");
            buffer.Write(chunk, 0, read);
        }
        if (buffer.Length == 0)
            return null;
        try
        {
            using var document = JsonDocument.Parse(buffer.ToArray());
            return document.RootElement.Clone();
        }
        catch (JsonException e)
        {
            throw new FormatException($"The body is not JSON: {e.Message}");
        }
    }

    /// <summary>
    /// Refuses a POST without a valid anti-forgery token (header plus cookie from <c>GET /api/antiforgery</c>). Actions take
    /// JSON: a form post is refused before the anti-forgery check would read (and buffer, and choke on) the form.
    /// </summary>
    private sealed class AntiforgeryFilter(IAntiforgery antiforgery, ILogger<InstanceActions> logger) : IEndpointFilter
    {
        public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
        {
            var http = context.HttpContext;
            if (http.Request.HasFormContentType)
            {
                logger.Refused(http, "a form post");
                return DashboardEndpoints.BadRequest("Actions take a JSON body (or none), never a form; a form post is refused.");
            }
            if (!await antiforgery.IsRequestValidAsync(http))
            {
                logger.Refused(http, "failed the anti-forgery check");
                return Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Anti-forgery check failed",
                    detail: "Get a token from GET /api/antiforgery and send it in its header, with the cookie that came with it.");
            }
            return await next(context);
        }
    }
}
