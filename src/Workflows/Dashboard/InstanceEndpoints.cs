using System.Globalization;
using Microsoft.DurableTask.Client;
using RankDistill.Workflows.Dashboard.Api;

namespace RankDistill.Workflows.Dashboard;

/// <summary>The read side: <c>GET /api/instances</c>, <c>/api/instances/{id}</c>, <c>/history</c>, <c>/timeline</c>.</summary>
internal static class InstanceEndpoints
{
    public static void MapInstanceEndpoints(this RouteGroupBuilder api)
    {
        api.MapGet("/instances", async (HttpRequest request, InstanceQueries queries, CancellationToken cancellationToken) =>
        {
            if (!TryParse(request.Query, out var query, out var problem))
                return DashboardEndpoints.BadRequest(problem);
            try
            {
                return Results.Ok(await queries.ListAsync(query, cancellationToken));
            }
            catch (Exception e) when (query.ContinuationToken is not null && e is ArgumentException or FormatException or Newtonsoft.Json.JsonException)
            {
                // Each provider has its own token format and its own way of refusing one it did not write.
                return DashboardEndpoints.BadRequest($"continuationToken '{query.ContinuationToken}' is not a token this dashboard gave out; "
                    + "leave it out for the first page, then pass the one the page before returned");
            }
        });
        api.MapGet("/instances/{id}", async (string id, InstanceQueries queries, CancellationToken cancellationToken) =>
            await queries.GetAsync(id, cancellationToken) is { } detail ? Results.Ok(detail) : NoInstance(id));
        api.MapGet("/instances/{id}/history", async (string id, InstanceQueries queries, CancellationToken cancellationToken) =>
            await queries.GetHistoryAsync(id, cancellationToken) is { } history ? Results.Ok(history) : NoInstance(id));
        api.MapGet("/instances/{id}/timeline", async (string id, InstanceQueries queries, CancellationToken cancellationToken) =>
            await queries.GetTimelineAsync(id, cancellationToken) is { } timeline ? Results.Ok(timeline) : NoInstance(id));
    }

    internal static IResult NoInstance(string id) => DashboardEndpoints.NotFound($"No orchestration instance has id '{id}'.");

    /// <summary>Reads the query parameters of <see cref="InstanceListQuery"/>; a bad one is named in <paramref name="problem"/>.</summary>
    internal static bool TryParse(IQueryCollection q, out InstanceListQuery query, out string problem)
    {
        query = new InstanceListQuery();
        problem = "";
        var statuses = new List<OrchestrationRuntimeStatus>();
        foreach (var part in q["status"].SelectMany(v => (v ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)))
        {
            if (!Enum.TryParse<OrchestrationRuntimeStatus>(part, ignoreCase: true, out var status) || !Enum.IsDefined(status) || int.TryParse(part, out _))
            {
                problem = $"status '{part}' is not one of {string.Join(", ", Enum.GetNames<OrchestrationRuntimeStatus>())}";
                return false;
            }
            statuses.Add(status);
        }
        if (!TryTime(q, "createdFrom", out var from, ref problem) || !TryTime(q, "createdTo", out var to, ref problem))
            return false;
        var pageSize = InstanceListQuery.DefaultPageSize;
        if (Text(q, "pageSize") is { } size && (!int.TryParse(size, NumberStyles.None, CultureInfo.InvariantCulture, out pageSize) || pageSize is < 1 or > 1000))
        {
            problem = $"pageSize '{size}' is not a whole number from 1 to 1000";
            return false;
        }
        var includeChildren = true;
        if (Text(q, "includeSubOrchestrations") is { } flag && !bool.TryParse(flag, out includeChildren))
        {
            problem = $"includeSubOrchestrations '{flag}' is not true or false";
            return false;
        }
        query = new InstanceListQuery
        {
            Statuses = statuses,
            Name = Text(q, "name"),
            Prefix = Text(q, "prefix"),
            CreatedFrom = from,
            CreatedTo = to,
            PageSize = pageSize,
            ContinuationToken = Text(q, "continuationToken"),
            IncludeSubOrchestrations = includeChildren,
        };
        return true;
    }

    private static bool TryTime(IQueryCollection q, string key, out DateTimeOffset? time, ref string problem)
    {
        time = null;
        if (Text(q, key) is not { } text)
            return true;
        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed))
        {
            time = parsed;
            return true;
        }
        problem = $"{key} '{text}' is not a time; use ISO 8601, like 2025-01-31T12:00:00Z";
        return false;
    }

    private static string? Text(IQueryCollection q, string key) => q[key].ToString() is { Length: > 0 } value ? value.Trim() : null;
}
