using System.Text.Json.Nodes;

namespace RankDistill.Workflows.Dashboard.Api;

/// <summary>
/// One history event (<c>GET /api/instances/{id}/history</c>): its DurableTask.Core event type (<c>TaskScheduled</c>,
/// <c>SubOrchestrationInstanceCreated</c>, ...), time, task id (the scheduling event's id, which its result and its
/// timer refer to) and name when it has them, a one-line summary, and the event as DurableTask.Core records it
/// (payloads scrubbed of secrets).
/// </summary>
public sealed record HistoryEntry(int Index, string Type, DateTimeOffset Timestamp, int? TaskId, string? Name, string Summary, JsonNode Data);
