namespace RankDistill.Activities.Data;

/// <summary>
/// What PrepareData read, set aside and wrote: the counts for the run manifest (data/summary.json).
/// Rejections are counted by the kind of reason (<see cref="RejectionReasons.KindOf"/>); the rows
/// themselves are in rejected/clicklogs.jsonl and rejected/labels.jsonl.
/// </summary>
public sealed record PrepareDataSummary
{
    /// <summary>Data files of the drop (markers such as _SUCCESS aside), each read or rejected by name with its reason.</summary>
    public required int ClickFiles { get; init; }

    /// <summary>
    /// Of <see cref="ClickFiles"/>, those refused by the store, of an unknown type, or not read to their end (damaged,
    /// past a limit): each has a file-level line in rejected/clicklogs.jsonl. Not required: results written before it existed read as 0.
    /// </summary>
    public int ClickFilesRejected { get; init; }
    public required long ClickRowsRead { get; init; }
    public required long ClickRowsRejected { get; init; }
    public required IReadOnlyDictionary<string, long> ClickRejectionsByReason { get; init; }

    /// <summary>Repeated events dropped (see <see cref="ClickDeduplicator"/>), and how many of them disagreed on clicked.</summary>
    public required long DuplicateClickRows { get; init; }
    public required long ConflictingDuplicateClickRows { get; init; }

    /// <summary>Distinct normalised queries of the kept click rows, per split.</summary>
    public required SplitCounts ClickQueries { get; init; }
    public required SplitCounts ClickRows { get; init; }

    public required int LabelFiles { get; init; }

    /// <summary>Of <see cref="LabelFiles"/>, those rejected as a whole or in part, as <see cref="ClickFilesRejected"/>.</summary>
    public int LabelFilesRejected { get; init; }
    public required long LabelRowsRead { get; init; }
    public required long LabelRowsRejected { get; init; }
    public required IReadOnlyDictionary<string, long> LabelRejectionsByReason { get; init; }

    /// <summary>Query–url pairs judged more than once: their grades were averaged.</summary>
    public required long RepeatedJudgements { get; init; }

    /// <summary>Labelled queries per split: SFT lists (train, dev) and evaluation lists (test).</summary>
    public required SplitCounts LabelledQueries { get; init; }
    public required SplitCounts LabelledDocuments { get; init; }

    public required SplitCounts CptExamples { get; init; }

    /// <summary>Clicks left out of CPT for a dwell time below <see cref="PrepareDataOptions.MinClickDwellMs"/>.</summary>
    public required long ShortClicksSkipped { get; init; }
    public required SplitCounts CandidateLists { get; init; }
    public required SplitCounts CandidateDocuments { get; init; }
}
