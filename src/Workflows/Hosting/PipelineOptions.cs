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
        var settings = PipelineSettingsBinding.Read(reader, Section, PresetSettings(preset));
        // Ranges and rules across fields live in one place; a value that did not convert kept its preset value.
        foreach (var problem in PipelineSettingsRules.Problems(settings))
            reader.Fail(problem);
        return new PipelineOptions
        {
            Preset = preset,
            Settings = settings,
            WatchInterval = reader.Duration("Pipeline:WatchInterval", TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(100), TimeSpan.FromDays(1)),
        };
    }

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
