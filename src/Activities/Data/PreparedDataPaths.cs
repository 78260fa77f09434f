namespace RankDistill.Activities.Data;

/// <summary>
/// The files PrepareData writes, relative to the run folder (runs/&lt;run-id&gt;/). Test queries
/// appear only in <see cref="EvalTest"/>: none of their rows reach CPT, SFT or candidates.
/// </summary>
public static class PreparedDataPaths
{
    public const string CptTrain = "data/cpt/train.jsonl";
    public const string CptDev = "data/cpt/dev.jsonl";
    public const string SftTrain = "data/sft/train.jsonl";
    public const string SftDev = "data/sft/dev.jsonl";
    public const string EvalTest = "data/eval/test.jsonl";
    public const string CandidatesTrain = "data/candidates/train.jsonl";
    public const string CandidatesDev = "data/candidates/dev.jsonl";
    public const string Summary = "data/summary.json";
    public const string RejectedClickLogs = "rejected/clicklogs.jsonl";
    public const string RejectedLabels = "rejected/labels.jsonl";
}
