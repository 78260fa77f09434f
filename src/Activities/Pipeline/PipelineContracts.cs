using System.Text.Json.Serialization;
using RankDistill.Activities.Data;

namespace RankDistill.Activities.Pipeline;

// The payloads between the DistillationPipeline orchestration and its activities. They carry artifact
// names (see RunLayout), never data: the engine's payloads are small and every byte of data is in the store.

/// <summary>The orchestration's input. The run id is the instance id: <c>pipeline-&lt;drop-id&gt;</c>.</summary>
public sealed record PipelineInput(string RunId, string DropId, PipelineSettings Settings);

/// <summary>The orchestration's output.</summary>
public sealed record PipelineOutput(string RunId, bool Promoted, string Reason, EvaluationResult Metrics);

/// <summary>The input of every stage activity but labelling and publishing.</summary>
public sealed record StageRequest(string RunId, string DropId, PipelineSettings Settings)
{
    /// <summary>
    /// The run whose prepared data and tokenizers the step reads, when not its own: the arms of an ablation share one
    /// PrepareData and write their models under runs of their own.
    /// </summary>
    public string? DataRunId { get; init; }

    /// <summary>For RankFinetuning: the CPT model to start from, when not the run's own (an ablation's arms share one per seed).</summary>
    public string? StartModel { get; init; }

    [JsonIgnore]
    public string DataRun => DataRunId ?? RunId;
}

/// <summary>A drop file as read, for lineage: its store name, size and content hash or ETag.</summary>
public sealed record InputFile(string Name, long Size, string Hash);

/// <summary>What PrepareData made: counts for the manifest, the files read, and how many labelling shards follow.</summary>
public sealed record PreparedData(PrepareDataSummary Summary, IReadOnlyList<InputFile> Inputs, int CandidateLists, int LabelingShards);

/// <summary>A trained model: where its Hugging Face folder is, and how its training went.</summary>
public sealed record TrainedModel(string ModelPath, long Steps, double FinalLoss, long ResumedFromStep);

/// <summary>
/// One TeacherLabeling activity's work: candidate lists [Shard × size, (Shard + 1) × size) of
/// <see cref="DataRunId"/> (default: the run's own), scored by the run's SFT teacher.
/// </summary>
public sealed record LabelShardRequest(string RunId, PipelineSettings Settings, int Shard)
{
    public string? DataRunId { get; init; }
}

/// <summary>A labelled shard: teacher scores for its candidates at <see cref="RunLayout.LabelShard"/>.</summary>
public sealed record LabelShardResult(int Shard, string Path, int Lists, int Documents);

/// <summary>
/// Input of Distillation: the labelled shards, in shard order, and the run's pre-trained student (the model folder
/// <see cref="StudentPretraining"/> published) when the pipeline made one.
/// </summary>
public sealed record DistillationRequest(string RunId, PipelineSettings Settings, IReadOnlyList<string> LabelShards, string? PretrainedStudent = null)
{
    /// <summary>The run whose student tokenizer a fresh student uses, when not its own (see <see cref="StageRequest.DataRunId"/>).</summary>
    public string? DataRunId { get; init; }
}

/// <summary>
/// One ranker's metrics on the held-out labelled queries. PNR is +∞ when no labelled pair is ordered against
/// the labels (a tiny test set can do that), written to JSON as "Infinity".
/// </summary>
[JsonNumberHandling(JsonNumberHandling.AllowNamedFloatingPointLiterals)]
public sealed record RankerMetrics(double Ndcg1, double Ndcg3, double Ndcg5, double Ndcg10, double Pnr, double Mrr10);

/// <summary>
/// Evaluation's result: teacher, student and BM25 on the same held-out queries; scoring throughput of teacher and
/// student on the same candidates and hardware (documents per second); where the report went. The student's rate is
/// its serving speed: the faster of TorchSharp and ONNX Runtime on its published graph, named by
/// <paramref name="StudentRuntime"/> (<see cref="Reporting.StudentRuntimes"/>; null in results older than the graph).
/// </summary>
[JsonNumberHandling(JsonNumberHandling.AllowNamedFloatingPointLiterals)]
public sealed record EvaluationResult(
    RankerMetrics Teacher,
    RankerMetrics Student,
    RankerMetrics Bm25,
    int TestQueries,
    double TeacherDocsPerSecond,
    double StudentDocsPerSecond,
    string ReportPath,
    // Left out when null, so a result recorded before it existed replays to the same output.
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? StudentRuntime = null)
{
    public double StudentVsTeacher => Teacher.Ndcg5 > 0 ? Student.Ndcg5 / Teacher.Ndcg5 : 0;

    public double StudentSpeedup => TeacherDocsPerSecond > 0 ? StudentDocsPerSecond / TeacherDocsPerSecond : 0;
}

/// <summary>Input of Publish; <paramref name="TeacherModelPath"/> (the fine-tuned teacher) is published beside the student when given.</summary>
public sealed record PublishRequest(string RunId, PipelineSettings Settings, string StudentModelPath, EvaluationResult Evaluation, string? TeacherModelPath = null);

/// <summary>
/// Whether the student was promoted to <c>models/published/</c>, and why (or why not); <paramref name="PublishedBefore"/>
/// is the run whose model was in service when the gates were applied (null when none was).
/// </summary>
public sealed record PublishResult(bool Promoted, string Reason, string? PublishedPath, string? PublishedBefore = null);
