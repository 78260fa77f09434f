namespace RankDistill.Models.Training;

/// <summary>
/// One query's documents, each already encoded with the query as the ranker reads it, and a target
/// per document: a human grade for rank fine-tuning, a teacher score for distillation.
/// </summary>
public sealed record QueryList
{
    public QueryList(string queryId, IReadOnlyList<EncodedSequence> documents, float[] targets)
    {
        ArgumentNullException.ThrowIfNull(documents);
        ArgumentNullException.ThrowIfNull(targets);
        if (documents.Count == 0)
            throw new ArgumentException($"Query '{queryId}' has no documents.", nameof(documents));
        if (documents.Count != targets.Length)
            throw new ArgumentException($"Query '{queryId}': {documents.Count} documents but {targets.Length} targets.", nameof(targets));
        QueryId = queryId;
        Documents = documents;
        Targets = targets;
    }

    public string QueryId { get; }

    public IReadOnlyList<EncodedSequence> Documents { get; }

    public float[] Targets { get; }
}
