using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.DurableTask.Client;
using RankDistill.Workflows.Dashboard.Api;
using RankDistill.Workflows.Orchestrations;

namespace RankDistill.Workflows.Dashboard;

/// <summary>
/// Turns engine metadata into <see cref="InstanceSummary"/>: the pipeline's fields are read by contract, not by
/// type, so any orchestration shows, and those following the pipeline's shape (input <c>runId</c>/<c>dropId</c>,
/// custom status <c>{ step, progress, detail }</c>, a parent tag) show more. The metadata must come with its inputs and
/// outputs (<c>getInputsAndOutputs</c>, <c>FetchInputsAndOutputs</c>): the pipeline's fields are read from them.
/// </summary>
internal static class InstanceSummaries
{
    public static InstanceSummary From(OrchestrationMetadata instance, SecretScrubber scrubber, DateTimeOffset now)
    {
        var input = scrubber.ParseAndScrub(instance.SerializedInput);
        var output = scrubber.ParseAndScrub(instance.SerializedOutput);
        var status = scrubber.ParseAndScrub(instance.SerializedCustomStatus);
        // An ended instance is not updated again: its last update is its end.
        DateTimeOffset? completed = instance.RuntimeStatus.IsTerminal() ? instance.LastUpdatedAt : null;
        var end = completed ?? now;
        return new InstanceSummary
        {
            InstanceId = instance.InstanceId,
            Name = instance.Name,
            Status = instance.RuntimeStatus,
            CreatedAt = instance.CreatedAt,
            LastUpdatedAt = instance.LastUpdatedAt,
            CompletedAt = completed,
            DurationSeconds = Math.Max(0, (end - instance.CreatedAt).TotalSeconds),
            DropId = Text(input, "dropId") ?? Text(output, "dropId"),
            RunId = RunId(input, output),
            CurrentStep = status is JsonValue ? Text(status) : Text(status, "step"),
            Progress = Number(status, "progress") is { } p ? Math.Clamp(p, 0, 1) : null,
            Detail = Text(status, "detail"),
            CustomStatus = status,
            ParentInstanceId = ParentOf(instance),
        };
    }

    /// <summary>The parent of a sub-orchestration, from the tag the pipeline starts its children with.</summary>
    public static string? ParentOf(OrchestrationMetadata instance) =>
        instance.Tags.TryGetValue(PipelineCalls.ParentTag, out var parent) && parent.Length > 0 ? parent : null;

    /// <summary>The run id in the input or output, when it is one safe path segment.</summary>
    public static string? RunId(JsonNode? input, JsonNode? output) =>
        (Text(input, "runId") ?? Text(output, "runId")) is { } id && RunArtifacts.IsValidRunId(id) ? id : null;

    /// <summary>A property by name in any letter case (payloads may be camelCase or PascalCase).</summary>
    public static JsonNode? Property(JsonNode? node, string name) =>
        node is JsonObject o ? o.FirstOrDefault(p => string.Equals(p.Key, name, StringComparison.OrdinalIgnoreCase)).Value : null;

    private static string? Text(JsonNode? node, string name) => Text(Property(node, name));

    private static string? Text(JsonNode? node) => node is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;

    private static double? Number(JsonNode? node, string name) => Property(node, name) switch
    {
        JsonValue v when v.GetValueKind() == JsonValueKind.Number => v.GetValue<double>(),
        JsonValue v when v.GetValueKind() == JsonValueKind.String && double.TryParse(v.GetValue<string>(), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) => d,
        _ => null,
    };
}
