using System.Text.Json;
using Microsoft.AspNetCore.Antiforgery;
using RankDistill.Workflows.Dashboard.Api;

namespace RankDistill.Workflows.Dashboard;

/// <summary>
/// The write side, POST only, each behind the anti-forgery check: <c>/api/instances/{id}/terminate</c>, <c>suspend</c>,
/// <c>resume</c>, <c>rewind</c> (body <c>{ "reason": "..." }</c>, optional), <c>purge</c>, and <c>events/{name}</c> (body:
/// the event's JSON payload). Answers: 200 with an <see cref="ActionResult"/>; 404 unknown instance; 409 the status
/// does not allow it; 400 bad body or failed anti-forgery check; 413 payload too large.
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
        var remote = context.Connection.RemoteIpAddress?.ToString();
        IResult result;
        try
        {
            var done = await action();
            logger.ActionTaken(done.Action, id, remote, done.Message);
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
        logger.ActionTaken(name, id, remote, $"refused ({((IStatusCodeHttpResult)result).StatusCode})");
        return result;
    }

    private static async Task<string?> ReasonAsync(HttpRequest request, CancellationToken cancellationToken) =>
        await BodyAsync(request, cancellationToken) is { ValueKind: JsonValueKind.Object } body
            && body.TryGetProperty("reason", out var reason) && reason.ValueKind == JsonValueKind.String
            ? reason.GetString()
            : null;

    /// <summary>The request's JSON body, or null when it has none.</summary>
    private static async Task<JsonElement?> BodyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (request.ContentLength is 0 || (request.ContentLength is null && !request.Headers.TransferEncoding.Any()))
            return null;
        if (request.ContentLength > MaxBodyBytes)
            throw new RequestBodyTooLargeException($"The body is {request.ContentLength} bytes; the limit is {MaxBodyBytes}.");
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, cancellationToken);
        if (buffer.Length > MaxBodyBytes)
            throw new RequestBodyTooLargeException($"The body is over the limit of {MaxBodyBytes} bytes.");
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

    /// <summary>Refuses a POST without a valid anti-forgery token (header plus cookie from <c>GET /api/antiforgery</c>).</summary>
    private sealed class AntiforgeryFilter(IAntiforgery antiforgery) : IEndpointFilter
    {
        public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
        {
            if (!await antiforgery.IsRequestValidAsync(context.HttpContext))
            {
                return Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Anti-forgery check failed",
                    detail: "Get a token from GET /api/antiforgery and send it in its header, with the cookie that came with it.");
            }
            return await next(context);
        }
    }
}
