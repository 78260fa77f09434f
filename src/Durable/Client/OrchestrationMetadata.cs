using System.Text.Json;

namespace RankDistill.Durable.Client;

/// <summary>What is known about an orchestration instance. Payloads are JSON text.</summary>
public sealed record OrchestrationMetadata
{
    public required string InstanceId { get; init; }

    public required string Name { get; init; }

    public required OrchestrationRuntimeStatus RuntimeStatus { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    public required DateTimeOffset LastUpdatedAt { get; init; }

    public DateTimeOffset? CompletedAt { get; init; }

    public string? SerializedInput { get; init; }

    public string? SerializedOutput { get; init; }

    public string? SerializedCustomStatus { get; init; }

    /// <summary>Why it failed: exception type, message, stack trace and inner failures.</summary>
    public FailureDetails? FailureDetails { get; init; }

    /// <summary>Set for a sub-orchestration.</summary>
    public string? ParentInstanceId { get; init; }

    /// <summary>Counts executions: continue-as-new and reuse of the id start a new one.</summary>
    public int Generation { get; init; }

    /// <summary>The worker (owner id) holding the instance's lock right now, if any.</summary>
    public string? LockedBy { get; init; }

    public bool IsRunning => RuntimeStatus is OrchestrationRuntimeStatus.Running or OrchestrationRuntimeStatus.Pending or OrchestrationRuntimeStatus.Suspended;

    public T? ReadInputAs<T>(JsonSerializerOptions? options = null) => Read<T>(SerializedInput, options);

    public T? ReadOutputAs<T>(JsonSerializerOptions? options = null) => Read<T>(SerializedOutput, options);

    public T? ReadCustomStatusAs<T>(JsonSerializerOptions? options = null) => Read<T>(SerializedCustomStatus, options);

    private static T? Read<T>(string? json, JsonSerializerOptions? options) =>
        json is null ? default : JsonSerializer.Deserialize<T>(json, options ?? new JsonSerializerOptions(JsonSerializerDefaults.Web));
}
