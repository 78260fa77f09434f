namespace RankDistill.Activities.Pipeline;

/// <summary>
/// Everything a pipeline run needs to know beyond its drop, resolved once when the run is submitted and
/// carried in the orchestration input, so a run's recipe never changes under it (and the manifest records it).
/// Presets: <see cref="Default"/> (the demo), <see cref="Quick"/> (demo --quick) and <see cref="Tiny"/> (tests).
/// </summary>
public sealed record PipelineSettings
{
    /// <summary>Seeds model initialisation, batch order and dropout: a run is reproducible from its settings.</summary>
    public int Seed { get; init; } = 7;

    /// <summary>Tokens per query–document pair for teacher and student (the document is truncated first).</summary>
    public int MaxSequenceLength { get; init; } = 96;

    public TeacherSettings Teacher { get; init; } = new();
    public StudentSettings Student { get; init; } = new();

    public StageTraining ContinuedPretraining { get; init; } = new() { Steps = 600, LearningRate = 1e-3, BatchSize = 32 };
    public StageTraining RankFinetuning { get; init; } = new() { Steps = 300, LearningRate = 3e-4, BatchSize = 8 };
    public StageTraining Distillation { get; init; } = new() { Steps = 600, LearningRate = 1e-3, BatchSize = 16 };

    /// <summary>Candidate lists per TeacherLabeling activity: the unit of fan-out and of work redone after a crash.</summary>
    public int LabelingShardSize { get; init; } = 64;

    public PublishGates Publish { get; init; } = new();

    public static PipelineSettings Default { get; } = new();

    public static PipelineSettings Quick { get; } = new();

    public static PipelineSettings Tiny { get; } = new();
}

/// <summary>The teacher LLM: a Hugging Face folder to start from, or the shape of a small one made from a config.</summary>
public sealed record TeacherSettings
{
    /// <summary>A Hugging Face folder (LLaMA / Qwen2) on disk or in the artifact store; null: a small model from the fields below.</summary>
    public string? BaseModel { get; init; }
    public int HiddenSize { get; init; } = 192;
    public int Layers { get; init; } = 4;
    public int Heads { get; init; } = 4;
    public int VocabularySize { get; init; } = 2000;
}

/// <summary>The BERT student: a Hugging Face folder to start from, or the shape of a small one made from a config.</summary>
public sealed record StudentSettings
{
    /// <summary>A Hugging Face BERT folder on disk or in the artifact store; null: a small model from the fields below.</summary>
    public string? BaseModel { get; init; }
    public int HiddenSize { get; init; } = 64;
    public int Layers { get; init; } = 2;
    public int Heads { get; init; } = 2;
    public int VocabularySize { get; init; } = 3000;
}

/// <summary>One training stage's schedule.</summary>
public sealed record StageTraining
{
    public int Steps { get; init; }
    public double LearningRate { get; init; }
    public int BatchSize { get; init; }

    /// <summary>Steps between checkpoints: the most work a crash can lose.</summary>
    public int CheckpointEvery { get; init; } = 100;
}

/// <summary>When a student is good enough to replace the published one.</summary>
public sealed record PublishGates
{
    /// <summary>Student NDCG@5 must reach this fraction of the teacher's on the held-out queries.</summary>
    public double MinStudentVsTeacher { get; init; } = 0.95;

    /// <summary>The student must not score below the currently published model on the same test set.</summary>
    public bool RequireNoRegression { get; init; } = true;
}
