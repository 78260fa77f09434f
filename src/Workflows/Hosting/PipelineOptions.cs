using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Options;
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

    public PipelinePreset Preset { get; set; } = PipelinePreset.Default;

    /// <summary>
    /// The preset with every override applied, checked by <see cref="PipelineSettingsRules"/>. Its fields are keys of the
    /// section itself (<c>Pipeline:Seed</c>), bound by <see cref="Bind"/> over the preset.
    /// </summary>
    public PipelineSettings Settings { get; set; } = PipelineSettings.Default;

    /// <summary><c>Pipeline:WatchInterval</c>: how often the click-log watcher lists drops. Default 30 s.</summary>
    [Range(typeof(TimeSpan), "00:00:00.1", "1.00:00:00")]
    public TimeSpan WatchInterval { get; set; } = TimeSpan.FromSeconds(30);

    public static PipelineSettings PresetSettings(PipelinePreset preset) => preset switch
    {
        PipelinePreset.Quick => PipelineSettings.Quick,
        PipelinePreset.Tiny => PipelineSettings.Tiny,
        _ => PipelineSettings.Default,
    };

    /// <summary>
    /// Binds the section: <c>Pipeline:Preset</c> first, then every other key over a copy of that preset, so an override
    /// changes one field of it whatever order the sources give the keys in.
    /// </summary>
    internal void Bind(SettingsSection<PipelineOptions> section)
    {
        section.Bind(this);
        // A deep copy: the presets are shared, and the binder sets nested records in place.
        Settings = section.Bind(JsonSerializer.Deserialize<PipelineSettings>(JsonSerializer.Serialize(PresetSettings(Preset)))!);
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

/// <summary>The rules of section <c>Pipeline</c>: <see cref="PipelineSettingsRules"/>, the one rule set of a run's recipe.</summary>
internal sealed class PipelineOptionsValidator(SettingsSection<PipelineOptions> section) : IValidateOptions<PipelineOptions>
{
    public ValidateOptionsResult Validate(string? name, PipelineOptions options)
    {
        var problems = section.Check();
        // A value that did not convert kept its preset value, so the rules see a whole recipe.
        foreach (var problem in PipelineSettingsRules.Problems(options.Settings))
            problems.Fail(problem);
        return problems.Result();
    }
}
