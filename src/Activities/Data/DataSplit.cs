namespace RankDistill.Activities.Data;

/// <summary>Which part of the data a query belongs to; every row of one query goes to the same split.</summary>
public enum DataSplit
{
    /// <summary>CPT examples, SFT lists and teacher-labelling candidates.</summary>
    Train,

    /// <summary>Validation during training (CPT loss, SFT and distillation checkpoints).</summary>
    Dev,

    /// <summary>Held out: only its labelled queries are used, and only to evaluate.</summary>
    Test,
}
