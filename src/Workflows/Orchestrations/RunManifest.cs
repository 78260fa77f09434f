using RankDistill.Activities.Data;
using RankDistill.Activities.Pipeline;

namespace RankDistill.Workflows.Orchestrations;

/// <summary>
/// A run's lineage, written to <see cref="RunLayout.Manifest"/> after every step: what went in (the drop's files with
/// their hashes, the rows set aside), the resolved settings, the code that ran, and each step's outputs, metrics and
/// timings. The orchestration builds it (times are orchestration time, the same on every replay) and
/// <see cref="WriteRunManifest"/> stamps the code version and writes it.
/// </summary>
public sealed record RunManifest
{
    public required string RunId { get; init; }
    public required string DropId { get; init; }
    public required PipelineSettings Settings { get; init; }

    /// <summary>The models the run started from (<see cref="Settings"/> keeps what was asked, e.g. <c>published</c>); null in manifests written before this was recorded.</summary>
    public BaseModels? BaseModels { get; init; }

    /// <summary>The host assembly's informational version (<c>1.0.0+&lt;git sha&gt;</c> when built from a checkout); set by the writer.</summary>
    public string? CodeVersion { get; init; }

    /// <summary><c>running</c>, <c>completed</c> or <c>failed</c>.</summary>
    public string Status { get; init; } = "running";
    public required DateTime StartedAt { get; init; }
    public DateTime? CompletedAt { get; init; }

    /// <summary>The drop's files as PrepareData read them, with size and content hash or ETag.</summary>
    public IReadOnlyList<InputFile> Inputs { get; init; } = [];

    /// <summary>PrepareData's counts: rows read, rejected (by reason) and deduped, per-split sizes.</summary>
    public PrepareDataSummary? Data { get; init; }

    /// <summary>Where the rejected rows are kept, with their reasons.</summary>
    public string Rejected { get; init; } = "";

    public IReadOnlyList<ManifestStep> Steps { get; init; } = [];

    public bool? Promoted { get; init; }
    public string? Reason { get; init; }

    /// <summary>The run whose model was in service when this run's gates were applied (null when none was).</summary>
    public string? PublishedBefore { get; init; }

    /// <summary>Why the run failed (the failing step's error), when it did.</summary>
    public string? Failure { get; init; }
}

/// <summary>One completed step: its stage name, the activity (or sub-orchestration) run, outputs as artifact names, metrics and timing.</summary>
public sealed record ManifestStep(
    string Stage,
    string Task,
    DateTime StartedAt,
    DateTime CompletedAt,
    IReadOnlyDictionary<string, string> Outputs,
    IReadOnlyDictionary<string, double> Metrics)
{
    public double Seconds => (CompletedAt - StartedAt).TotalSeconds;
}
