using System.Text.Json.Serialization;

namespace RankDistill.Durable.History;

/// <summary>The orchestration started a child orchestration.</summary>
public sealed record SubOrchestrationCreated(int TaskId, string Name, string InstanceId, string? Input) : ActionEvent(TaskId)
{
    [JsonIgnore]
    public override string Description => $"CallSubOrchestratorAsync('{Name}')";
}

/// <summary>A child orchestration completed.</summary>
public sealed record SubOrchestrationCompleted(int TaskId, string? Result) : ResultEvent(TaskId);

/// <summary>A child orchestration failed or was terminated.</summary>
public sealed record SubOrchestrationFailed(int TaskId, FailureDetails Failure) : ResultEvent(TaskId);
