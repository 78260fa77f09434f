using System.Text.Json;
using System.Text.Json.Serialization;

namespace RankDistill.Workflows.Dashboard;

/// <summary>The API's JSON: web defaults (camelCase), enums as their names. The server and <see cref="DashboardApiClient"/> agree on it.</summary>
public static class DashboardJson
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };
}
