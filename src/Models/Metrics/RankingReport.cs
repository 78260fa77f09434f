using System.Text.Json.Serialization;

namespace RankDistill.Models.Metrics;

/// <summary>
/// Offline ranking metrics over a set of queries. NDCG and MRR are means over the evaluated
/// queries (those with a positive label); PNR pools the labelled pairs of every query.
/// Undefined values are NaN (nothing to average) or +∞ (PNR with no discordant pair), written to JSON
/// as the strings "NaN" and "Infinity".
/// </summary>
[JsonNumberHandling(JsonNumberHandling.AllowNamedFloatingPointLiterals)]
public sealed record RankingReport(
    int Queries,
    int EvaluatedQueries,
    int SkippedQueries,
    double Ndcg1,
    double Ndcg3,
    double Ndcg5,
    double Ndcg10,
    double Mrr10,
    double Pnr,
    double ConcordantFraction,
    double ConcordantPairs,
    double DiscordantPairs,
    long LabelledPairs);
