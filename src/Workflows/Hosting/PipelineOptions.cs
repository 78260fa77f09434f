using System.Globalization;
using System.Text.Json;
using RankDistill.Activities.Pipeline;
using RankDistill.Workflows.Orchestrations;

namespace RankDistill.Workflows.Hosting;

/// <summary>
/// Section <c>Pipeline</c>: the recipe of the runs this host submits (<c>submit</c>, the click-log watcher, <c>demo</c>).
/// <c>Pipeline:Preset</c> picks <see cref="PipelineSettings.Default"/>, <c>Quick</c> or <c>Tiny</c>; any field of
/// <see cref="PipelineSettings"/> can then be overridden by its path, e.g. <c>Pipeline:ContinuedPretraining:Steps=200</c>,
/// <c>Pipeline:Teacher:BaseModel=models/qwen2-0.5b</c>, <c>Pipeline:Publish:MinStudentVsTeacher=0.9</c>. The result is
/// resolved once per run and carried in its input, so a run never changes recipe under it.
/// </summary>
public sealed class PipelineOptions
{
    public const string Section = "Pipeline";

    public PipelinePreset Preset { get; init; } = PipelinePreset.Default;

    /// <summary>The preset with every override applied, checked by <see cref="PipelineSettingsRules"/>.</summary>
    public PipelineSettings Settings { get; init; } = PipelineSettings.Default;

    /// <summary><c>Pipeline:WatchInterval</c>: how often the click-log watcher lists drops. Default 30 s.</summary>
    public TimeSpan WatchInterval { get; init; } = TimeSpan.FromSeconds(30);

    public static PipelineSettings PresetSettings(PipelinePreset preset) => preset switch
    {
        PipelinePreset.Quick => PipelineSettings.Quick,
        PipelinePreset.Tiny => PipelineSettings.Tiny,
        _ => PipelineSettings.Default,
    };

    internal static PipelineOptions Read(SettingReader reader)
    {
        var preset = reader.Choice("Pipeline:Preset", PipelinePreset.Default);
        var p = PresetSettings(preset);
        var settings = p with
        {
            Seed = reader.Integer("Pipeline:Seed", p.Seed, int.MinValue, int.MaxValue),
            MaxSequenceLength = reader.Integer("Pipeline:MaxSequenceLength", p.MaxSequenceLength, 8, 4096),
            LabelingShardSize = reader.Integer("Pipeline:LabelingShardSize", p.LabelingShardSize, 1, 1_000_000),
            SampledCandidates = reader.Integer("Pipeline:SampledCandidates", p.SampledCandidates, 0, 10_000),
            Teacher = p.Teacher with
            {
                BaseModel = reader.Text("Pipeline:Teacher:BaseModel") ?? p.Teacher.BaseModel,
                HiddenSize = reader.Integer("Pipeline:Teacher:HiddenSize", p.Teacher.HiddenSize, 8, 16384),
                Layers = reader.Integer("Pipeline:Teacher:Layers", p.Teacher.Layers, 1, 256),
                Heads = reader.Integer("Pipeline:Teacher:Heads", p.Teacher.Heads, 1, 256),
                VocabularySize = reader.Integer("Pipeline:Teacher:VocabularySize", p.Teacher.VocabularySize, 100, 1_000_000),
            },
            Student = p.Student with
            {
                BaseModel = reader.Text("Pipeline:Student:BaseModel") ?? p.Student.BaseModel,
                HiddenSize = reader.Integer("Pipeline:Student:HiddenSize", p.Student.HiddenSize, 8, 16384),
                Layers = reader.Integer("Pipeline:Student:Layers", p.Student.Layers, 1, 256),
                Heads = reader.Integer("Pipeline:Student:Heads", p.Student.Heads, 1, 256),
                VocabularySize = reader.Integer("Pipeline:Student:VocabularySize", p.Student.VocabularySize, 100, 1_000_000),
            },
            ContinuedPretraining = Stage(reader, "ContinuedPretraining", p.ContinuedPretraining),
            RankFinetuning = Stage(reader, "RankFinetuning", p.RankFinetuning),
            StudentPretraining = Stage(reader, "StudentPretraining", p.StudentPretraining, leastSteps: 0),
            Distillation = Stage(reader, "Distillation", p.Distillation),
            Publish = p.Publish with
            {
                MinStudentVsTeacher = reader.Number("Pipeline:Publish:MinStudentVsTeacher", p.Publish.MinStudentVsTeacher, 0, 2),
                RequireNoRegression = reader.Boolean("Pipeline:Publish:RequireNoRegression", p.Publish.RequireNoRegression),
            },
        };
        // Rules across fields (heads dividing the width); single values out of range were reported above.
        if (reader.Errors.Count == 0)
        {
            foreach (var problem in PipelineSettingsRules.Problems(settings))
                reader.Fail(problem);
        }
        return new PipelineOptions
        {
            Preset = preset,
            Settings = settings,
            WatchInterval = reader.Duration("Pipeline:WatchInterval", TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(100), TimeSpan.FromDays(1)),
        };
    }

    /// <summary>A stage's schedule; <paramref name="leastSteps"/> is 1, or 0 for a stage a run may leave out.</summary>
    private static StageTraining Stage(SettingReader reader, string name, StageTraining stage, int leastSteps = 1) => stage with
    {
        Steps = reader.Integer($"Pipeline:{name}:Steps", stage.Steps, leastSteps, 10_000_000),
        LearningRate = reader.Number($"Pipeline:{name}:LearningRate", stage.LearningRate, 1e-9, 0.999),
        BatchSize = reader.Integer($"Pipeline:{name}:BatchSize", stage.BatchSize, 1, 65_536),
        CheckpointEvery = reader.Integer($"Pipeline:{name}:CheckpointEvery", stage.CheckpointEvery, 1, 10_000_000),
    };

    internal IEnumerable<(string Key, string? Value)> Describe()
    {
        yield return ("Pipeline:Preset", Preset.ToString());
        yield return ("Pipeline:WatchInterval", WatchInterval.ToString("c", CultureInfo.InvariantCulture));
        // Every resolved field, flattened to its configuration key, so `config` shows the recipe a run would get.
        using var document = JsonSerializer.SerializeToDocument(Settings);
        foreach (var (key, value) in Flatten("Pipeline", document.RootElement))
            yield return (key, value);
    }

    private static IEnumerable<(string Key, string? Value)> Flatten(string prefix, JsonElement element)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            yield return (prefix, element.ValueKind == JsonValueKind.Null ? null : element.ValueKind == JsonValueKind.String ? element.GetString() : element.GetRawText());
            yield break;
        }
        foreach (var property in element.EnumerateObject())
        {
            foreach (var entry in Flatten($"{prefix}:{property.Name}", property.Value))
                yield return entry;
        }
    }
}
