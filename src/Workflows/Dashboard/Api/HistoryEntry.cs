using System.Text.Json.Nodes;

namespace RankDistill.Workflows.Dashboard.Api;

/// <summary>
/// One history event (<c>GET /api/instances/{id}/history</c>): its type, time, call id and name when it has them,
/// a one-line summary, and the event itself as stored (payloads scrubbed of secrets).
/// </summary>
public sealed record HistoryEntry(int Index, string Type, DateTimeOffset Timestamp, int? TaskId, string? Name, string Summary, JsonNode Data);
