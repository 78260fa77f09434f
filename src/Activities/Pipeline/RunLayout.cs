namespace RankDistill.Activities.Pipeline;

/// <summary>
/// Where a pipeline run keeps what it makes, under <c>runs/&lt;run-id&gt;/</c> in the artifact store. The
/// dashboard reads the same paths, so this is the one place they are spelled.
/// </summary>
public static class RunLayout
{
    /// <summary>The training stages that write loss curves.</summary>
    public static readonly IReadOnlyList<string> TrainingStages =
        [Stages.ContinuedPretraining, Stages.RankFinetuning, Stages.StudentPretraining, Stages.Distillation];

    public static string Root(string runId) => $"runs/{runId}";

    /// <summary>Lineage: inputs with ETags or hashes, resolved configuration, code version, each step's outputs and metrics.</summary>
    public static string Manifest(string runId) => $"{Root(runId)}/manifest.json";

    /// <summary>A stage's loss curve: the trainer's JSONL (one line per update: step, loss, lr, grad_norm, epoch; eval lines).</summary>
    public static string LossLog(string runId, string stage) => $"{Root(runId)}/training/{stage}/loss.jsonl";

    /// <summary>A training stage's latest progress (<see cref="StageProgress"/> as JSON), rewritten every few seconds while it runs.</summary>
    public static string Progress(string runId, string stage) => $"{Root(runId)}/training/{stage}/progress.json";

    /// <summary>A stage's checkpoints (one artifact set per step).</summary>
    public static string Checkpoints(string runId, string stage) => $"{Root(runId)}/checkpoints/{stage}";

    /// <summary>A trained model as a Hugging Face folder (config.json, model.safetensors, tokenizer files).</summary>
    public static string Model(string runId, string stage) => $"{Root(runId)}/models/{stage}";

    /// <summary>Teacher scores for one shard of candidate lists (JSONL, one list a line).</summary>
    public static string LabelShard(string runId, int shard) => $"{Root(runId)}/labels/shard-{shard:D5}.jsonl";

    /// <summary>
    /// The artifact set of PrepareData's datasets (the files under <c>data/</c> of <c>PreparedDataPaths</c>, plus
    /// <c>prepared.json</c>): published last, so its manifest says the step is complete.
    /// </summary>
    public static string PreparedData(string runId) => $"{Root(runId)}/data";

    /// <summary>A tokenizer PrepareData built from the training text (<c>teacher</c>: byte-level BPE, <c>student</c>: WordPiece), as a set.</summary>
    public static string Tokenizer(string runId, string role) => $"{Root(runId)}/tokenizers/{role}";

    /// <summary>A file PrepareData wrote (see <c>PreparedDataPaths</c>), by its path relative to the run.</summary>
    public static string Prepared(string runId, string relativePath) => $"{Root(runId)}/{relativePath}";

    /// <summary>Where the models that passed the gates go; the newest is the published one.</summary>
    public const string Published = "models/published";

    public static string ReportJson(string runId) => $"{Root(runId)}/report/report.json";

    public static string ReportHtml(string runId) => $"{Root(runId)}/report/report.html";

    public static string Rejected(string runId) => $"{Root(runId)}/rejected";

    /// <summary>Stage names as they appear in paths, custom status and the dashboard.</summary>
    public static class Stages
    {
        public const string PrepareData = "prepare";
        public const string ContinuedPretraining = "cpt";
        public const string RankFinetuning = "sft";
        public const string TeacherLabeling = "labels";
        public const string StudentPretraining = "mlm";
        public const string Distillation = "distill";
        public const string Evaluation = "eval";
        public const string Publish = "publish";
    }
}
