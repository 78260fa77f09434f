using Microsoft.Extensions.Configuration;
using RankDistill.Activities.Pipeline;
using RankDistill.Workflows.Hosting;

namespace RankDistill.Workflows.Tests.Pipeline;

/// <summary>The <c>Pipeline</c> configuration section: a preset, overrides by path, every bad value named at start.</summary>
public sealed class PipelineOptionsTests
{
    [Fact]
    public void Load_PresetWithOverrides_ResolvesThePresetWithThoseFieldsChanged()
    {
        var settings = Load(("Pipeline:Preset", "quick"), ("Pipeline:ContinuedPretraining:Steps", "42"),
            ("Pipeline:Publish:MinStudentVsTeacher", "0.9"), ("Pipeline:Teacher:BaseModel", "models/qwen2"), ("Pipeline:WatchInterval", "5s"));

        Assert.Equal(PipelinePreset.Quick, settings.Pipeline.Preset);
        Assert.Equal(TimeSpan.FromSeconds(5), settings.Pipeline.WatchInterval);
        var expected = PipelineSettings.Quick with
        {
            ContinuedPretraining = PipelineSettings.Quick.ContinuedPretraining with { Steps = 42 },
            Publish = PipelineSettings.Quick.Publish with { MinStudentVsTeacher = 0.9 },
            Teacher = PipelineSettings.Quick.Teacher with { BaseModel = "models/qwen2" },
        };
        Assert.Equal(expected, settings.Pipeline.Settings);
        Assert.Contains(("Pipeline:ContinuedPretraining:Steps", "42"), settings.Describe());
    }

    [Fact]
    public void Load_NothingSet_IsTheDefaultPreset()
    {
        var settings = Load();

        Assert.Equal(PipelinePreset.Default, settings.Pipeline.Preset);
        Assert.Equal(PipelineSettings.Default, settings.Pipeline.Settings);
    }

    [Fact]
    public void Load_BadValues_ThrowNamingEachSetting()
    {
        var error = Assert.Throws<InvalidSettingsException>(() => Load(
            ("Pipeline:Preset", "Huge"), ("Pipeline:Distillation:LearningRate", "fast"), ("Pipeline:LabelingShardSize", "0")));

        Assert.Contains(error.Errors, e => e.StartsWith("Pipeline:Preset = 'Huge'", StringComparison.Ordinal) && e.Contains("Default, Quick, Tiny", StringComparison.Ordinal));
        Assert.Contains(error.Errors, e => e.StartsWith("Pipeline:Distillation:LearningRate = 'fast'", StringComparison.Ordinal));
        Assert.Contains(error.Errors, e => e.StartsWith("Pipeline:LabelingShardSize = '0'", StringComparison.Ordinal));
    }

    [Fact]
    public void Load_HeadsNotDividingWidth_FailsWithTheRuleAcrossSettings()
    {
        var error = Assert.Throws<InvalidSettingsException>(() => Load(("Pipeline:Student:HiddenSize", "64"), ("Pipeline:Student:Heads", "3")));

        Assert.Contains(error.Errors, e => e.Contains("Pipeline:Student:Heads = 3", StringComparison.Ordinal) && e.Contains("divisor", StringComparison.Ordinal));
    }

    [Fact]
    public void Load_StudentPretrainingWithoutSteps_IsAllowedWhereOtherStagesNeedOne()
    {
        var settings = Load(("Pipeline:StudentPretraining:Steps", "0"));
        var error = Assert.Throws<InvalidSettingsException>(() => Load(("Pipeline:StudentPretraining:Steps", "-1"), ("Pipeline:Distillation:Steps", "0")));

        Assert.Equal(0, settings.Pipeline.Settings.StudentPretraining.Steps);
        Assert.Contains(error.Errors, e => e.StartsWith("Pipeline:StudentPretraining:Steps = '-1'", StringComparison.Ordinal));
        Assert.Contains(error.Errors, e => e.StartsWith("Pipeline:Distillation:Steps = '0'", StringComparison.Ordinal));
    }

    private static HostSettings Load(params (string Key, string Value)[] values) =>
        HostSettings.Load(new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => KeyValuePair.Create(v.Key, (string?)v.Value))).Build(), Path.GetTempPath());
}
