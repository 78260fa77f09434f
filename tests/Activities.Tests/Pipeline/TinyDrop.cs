using System.Text;
using RankDistill.Activities.Data;
using RankDistill.Activities.Storage;

namespace RankDistill.Activities.Tests.Pipeline;

/// <summary>
/// A small drop written into a store: 24 queries over four topics, five candidates each, clicks on the relevant ones,
/// every query labelled (so the default split puts some in train and some in test). Deterministic.
/// </summary>
internal static class TinyDrop
{
    private static readonly string[][] _topics =
    [
        ["flights", "airport", "airline", "ticket", "boarding"],
        ["recipe", "oven", "flour", "dinner", "baking"],
        ["laptop", "battery", "screen", "keyboard", "charger"],
        ["garden", "tomato", "seeds", "compost", "watering"],
    ];

    public const int Queries = 24;

    public static async Task WriteAsync(IArtifactStore store, string dropId, IEnumerable<string>? extraClickLines = null, CancellationToken ct = default)
    {
        var clicks = new List<ClickLogRow>();
        var labels = new List<LabelRow>();
        for (var q = 0; q < Queries; q++)
        {
            var topic = _topics[q % _topics.Length];
            var query = $"{topic[q % 5]} {topic[(q + 2) % 5]} {q}";
            for (var d = 0; d < 5; d++)
            {
                // Documents 0 and 1 are on the query's topic; the others come from the next topics.
                var docTopic = _topics[(q + (d < 2 ? 0 : d - 1)) % _topics.Length];
                var title = $"{docTopic[d % 5]} {docTopic[(d + q) % 5]} guide";
                var summary = $"all about {docTopic[(d + 1) % 5]} and {docTopic[(d + 3) % 5]}";
                var url = $"https://tiny.test/{q}/{d}";
                var grade = d == 0 ? 4 : d == 1 ? 2 : 0;
                clicks.Add(new ClickLogRow(query, title, summary, url, d + 1, Clicked: d < 2, DwellMs: 30_000, SessionId: $"s{q}"));
                labels.Add(new LabelRow(query, title, summary, url, grade));
            }
        }

        await store.WriteAsync($"labels/{dropId}/labels.jsonl", (s, c) => DropFileWriter.WriteLabelsAsync(s, "labels.jsonl", labels, c), ct);
        var lines = new StringBuilder();
        foreach (var row in clicks)
            lines.Append(DropFileWriter.ToJsonLine(row)).Append('\n');
        foreach (var line in extraClickLines ?? [])
            lines.Append(line).Append('\n');
        await store.WriteAsync($"clicklogs/{dropId}/part-00000.jsonl", Encoding.UTF8.GetBytes(lines.ToString()), ct);
        await store.WriteAsync($"clicklogs/{dropId}/_SUCCESS", ReadOnlyMemory<byte>.Empty, ct);
    }
}
