using System.Text.Json.Serialization;

namespace RankDistill.Durable.History;

/// <summary>The orchestration called an activity.</summary>
/// <param name="TaskId">The call's id.</param>
/// <param name="Name">The activity's name.</param>
/// <param name="Queue">The queue it was routed to.</param>
/// <param name="Input">JSON input.</param>
/// <param name="Attempt">The attempt under the retry policy, from 1.</param>
/// <param name="HeartbeatTimeout">From <see cref="TaskOptions.HeartbeatTimeout"/>.</param>
public sealed record TaskScheduled(int TaskId, string Name, string Queue, string? Input, int Attempt = 1, TimeSpan? HeartbeatTimeout = null) : ActionEvent(TaskId)
{
    [JsonIgnore]
    public override string Description => $"CallActivityAsync('{Name}')";
}

/// <summary>A worker started running an activity (one event per dispatch: more than one means a
/// worker crashed or lost its lease). Informational: replay ignores it.</summary>
public sealed record TaskStarted(int TaskId, string Name, int Attempt, int DispatchCount, string WorkerId) : HistoryEvent;

/// <summary>An activity returned.</summary>
public sealed record TaskCompleted(int TaskId, string? Result) : ResultEvent(TaskId);

/// <summary>An activity threw (or was poison).</summary>
/// <param name="TaskId">The call's id.</param>
/// <param name="Failure">What it threw.</param>
/// <param name="LastHeartbeatDetails">The failed attempt's last heartbeat, handed to the next attempt.</param>
public sealed record TaskFailed(int TaskId, FailureDetails Failure, string? LastHeartbeatDetails = null) : ResultEvent(TaskId);
