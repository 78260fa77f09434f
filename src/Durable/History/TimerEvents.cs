using System.Text.Json.Serialization;

namespace RankDistill.Durable.History;

/// <summary>The orchestration created a durable timer.</summary>
/// <param name="TaskId">The call's id.</param>
/// <param name="FireAt">When it fires.</param>
/// <param name="Purpose">Why: null for a user timer, <see cref="RetryPurpose"/> for a wait between attempts, <see cref="EventTimeoutPurpose"/> for an event wait's timeout.</param>
public sealed record TimerCreated(int TaskId, DateTimeOffset FireAt, string? Purpose = null) : ActionEvent(TaskId)
{
    public const string RetryPurpose = "retry";
    public const string EventTimeoutPurpose = "event-timeout";

    [JsonIgnore]
    public override string Description => Purpose is null ? $"CreateTimer({FireAt:O})" : $"CreateTimer({FireAt:O}, {Purpose})";
}

/// <summary>A durable timer fired.</summary>
public sealed record TimerFired(int TaskId, DateTimeOffset FireAt) : ResultEvent(TaskId);
