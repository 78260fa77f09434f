namespace RankDistill.Durable.History;

/// <summary>An external event reached the instance.</summary>
public sealed record EventRaised(string Name, string? Input) : HistoryEvent;
