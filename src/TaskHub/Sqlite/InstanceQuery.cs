using System.Globalization;
using System.Text;
using DurableTask.Core;
using DurableTask.Core.Query;

namespace RankDistill.TaskHub.Sqlite;

/// <summary>
/// Instance queries, paged by keyset on (created time, instance id): a page is one index range whatever its
/// depth, and instances created meanwhile never shift a page. The continuation token is that key, opaque.
/// </summary>
internal static class InstanceQuery
{
    private const string TokenPrefix = "sqlite1:";

    public static async Task<OrchestrationQueryResult> RunAsync(SqliteDatabase db, OrchestrationQuery query)
    {
        if (query.PageSize < 1)
            throw new ArgumentException($"OrchestrationQuery.PageSize is {query.PageSize}; it must be at least 1.", nameof(query));
        var after = Decode(query);
        if (query.TaskHubNames?.Count > 0 && !query.TaskHubNames.Contains(db.Hub))
            return new OrchestrationQueryResult([], null);
        var where = new StringBuilder("TaskHub = $hub");
        if (query.RuntimeStatus?.Count > 0)
            where.Append(CultureInfo.InvariantCulture, $" AND Status IN {InstanceRows.SqlList(query.RuntimeStatus)}");
        if (query.CreatedTimeFrom is not null)
            where.Append(" AND CreatedAt >= $from");
        if (query.CreatedTimeTo is not null)
            where.Append(" AND CreatedAt <= $to");
        if (!string.IsNullOrEmpty(query.InstanceIdPrefix))
            where.Append(" AND substr(InstanceId, 1, length($prefix)) = $prefix");
        if (after is not null)
            where.Append(" AND (CreatedAt, InstanceId) > ($afterCreated, $afterId)");
        var rows = await db.ReadAsync(c => c.Query(
            null,
            $"SELECT {InstanceRows.Columns(query.FetchInputsAndOutputs)} FROM Instances WHERE {where} ORDER BY CreatedAt, InstanceId LIMIT $limit",
            InstanceRows.Read,
            ("$hub", db.Hub),
            ("$from", query.CreatedTimeFrom is { } from ? SqliteCommands.Ticks(from) : null),
            ("$to", query.CreatedTimeTo is { } to ? SqliteCommands.Ticks(to) : null),
            ("$prefix", query.InstanceIdPrefix),
            ("$afterCreated", after?.CreatedTicks),
            ("$afterId", after?.InstanceId),
            // One more than a page tells whether another page exists.
            ("$limit", query.PageSize + 1)));
        var more = rows.Count > query.PageSize;
        if (more)
            rows.RemoveAt(rows.Count - 1);
        return new OrchestrationQueryResult(rows, more ? Encode(rows[^1]) : null);
    }

    private static string Encode(OrchestrationState last)
    {
        var key = $"{SqliteCommands.Ticks(last.CreatedTime).ToString(CultureInfo.InvariantCulture)}:{last.OrchestrationInstance.InstanceId}";
        return TokenPrefix + Convert.ToBase64String(Encoding.UTF8.GetBytes(key));
    }

    private static (long CreatedTicks, string InstanceId)? Decode(OrchestrationQuery query)
    {
        var token = query.ContinuationToken;
        if (string.IsNullOrEmpty(token))
            return null;
        try
        {
            if (token.StartsWith(TokenPrefix, StringComparison.Ordinal))
            {
                var key = Encoding.UTF8.GetString(Convert.FromBase64String(token[TokenPrefix.Length..]));
                var colon = key.IndexOf(':', StringComparison.Ordinal);
                if (colon > 0 && long.TryParse(key.AsSpan(0, colon), NumberStyles.None, CultureInfo.InvariantCulture, out var ticks))
                    return (ticks, key[(colon + 1)..]);
            }
        }
        catch (FormatException)
        {
            // Not base64: reported below like any other malformed token.
        }
        throw new ArgumentException(
            $"OrchestrationQuery.ContinuationToken '{token}' is not a continuation token of this task hub; pass null for the first page, then the token of the page before.",
            nameof(query));
    }
}
