using Microsoft.Extensions.Configuration;
using RankDistill.Activities.Data;
using RankDistill.Activities.Pipeline;
using RankDistill.Models.Llm;
using RankDistill.Models.Losses;
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
        Assert.Contains(error.Errors, e => e.StartsWith("Pipeline:LabelingShardSize = 0 is not valid", StringComparison.Ordinal));
    }

    [Fact]
    public void Load_HeadsNotDividingWidth_FailsWithTheRuleAcrossSettings()
    {
        var error = Assert.Throws<InvalidSettingsException>(() => Load(("Pipeline:Student:HiddenSize", "64"), ("Pipeline:Student:Heads", "3")));

        Assert.Contains(error.Errors, e => e.Contains("Pipeline:Student:Heads = 3", StringComparison.Ordinal) && e.Contains("divisor", StringComparison.Ordinal));
    }

    [Fact]
    public void Load_PretrainingStagesWithoutSteps_AreAllowedWhereOtherStagesNeedOne()
    {
        var settings = Load(("Pipeline:StudentPretraining:Steps", "0"), ("Pipeline:ContinuedPretraining:Steps", "0"));
        var error = Assert.Throws<InvalidSettingsException>(() => Load(("Pipeline:StudentPretraining:Steps", "-1"), ("Pipeline:Distillation:Steps", "0")));

        Assert.Equal(0, settings.Pipeline.Settings.StudentPretraining.Steps);
        Assert.Equal(0, settings.Pipeline.Settings.ContinuedPretraining.Steps);
        Assert.Contains(error.Errors, e => e.StartsWith("Pipeline:StudentPretraining:Steps = -1 is not valid", StringComparison.Ordinal));
        Assert.Contains(error.Errors, e => e.StartsWith("Pipeline:Distillation:Steps = 0 is not valid", StringComparison.Ordinal));
    }

    [Fact]
    public void Load_EveryFieldOfTheRecipe_IsSetByItsPath()
    {
        var settings = Load(("Pipeline:RankLoss", "ranknet"), ("Pipeline:DistillationAlpha", "0.5"), ("Pipeline:DistillationBeta", "2"),
            ("Pipeline:Student:Dropout", "0.1"), ("Pipeline:Distillation:WarmupFraction", "0.2"), ("Pipeline:Distillation:WeightDecay", "0.05"),
            ("Pipeline:Teacher:Pooling", "mean"));

        var p = PipelineSettings.Default;
        var expected = p with
        {
            RankLoss = RankLossKind.RankNet,
            DistillationAlpha = 0.5,
            DistillationBeta = 2,
            Student = p.Student with { Dropout = 0.1 },
            Teacher = p.Teacher with { Pooling = DecoderPooling.Mean },
            Distillation = p.Distillation with { WarmupFraction = 0.2, WeightDecay = 0.05 },
        };
        Assert.Equal(expected, settings.Pipeline.Settings);
        // The presets are shared: setting a field of one host's recipe must not change them.
        Assert.Equal(new PipelineSettings(), PipelineSettings.Default);
        Assert.Contains(("Pipeline:Distillation:WeightDecay", "0.05"), settings.Describe());
    }

    [Fact]
    public void Load_UnknownKeys_AreRefusedByName()
    {
        var error = Assert.Throws<InvalidSettingsException>(() => Load(
            ("Pipeline:Distillation:Stepz", "10"), ("Pipeline:Alpha", "1"), ("Storage:Knd", "Blob"), ("TaskHub:Partitions", "8"), ("Torch:Thread", "2")));

        foreach (var key in new[] { "Pipeline:Distillation:Stepz", "Pipeline:Alpha", "Storage:Knd", "TaskHub:Partitions", "Torch:Thread" })
            Assert.Contains(error.Errors, e => e.StartsWith($"{key} (from in-memory configuration) is not a setting this host uses", StringComparison.Ordinal));
        Assert.Equal(5, error.Errors.Count);
    }

    [Theory]
    [InlineData("Pipeline:Distillation:WarmupFraction", "1")]
    [InlineData("Pipeline:ContinuedPretraining:WeightDecay", "-0.1")]
    [InlineData("Pipeline:Student:Dropout", "1")]
    [InlineData("Pipeline:DistillationAlpha", "-1")]
    [InlineData("Pipeline:Teacher:Layers", "257")]
    [InlineData("Pipeline:RankFinetuning:LearningRate", "1")]
    public void Load_ValueOutOfRange_IsRefusedByTheOneRuleSet(string key, string value)
    {
        var error = Assert.Throws<InvalidSettingsException>(() => Load((key, value)));

        Assert.StartsWith($"{key} = {value} is not valid", Assert.Single(error.Errors), StringComparison.Ordinal);
    }

    [Fact]
    public void Load_BothDistillationTermsOff_IsRefused()
    {
        var error = Assert.Throws<InvalidSettingsException>(() => Load(("Pipeline:DistillationAlpha", "0"), ("Pipeline:DistillationBeta", "0")));

        Assert.Contains("above 0 when DistillationAlpha is 0", Assert.Single(error.Errors), StringComparison.Ordinal);
    }

    [Fact]
    public void Load_DropFileLimits_SetByPathCarriedInTheRecipeAndListed()
    {
        var settings = Load(("Pipeline:Preset", "Tiny"), ("Pipeline:DropFiles:MaxLineLength", "4096"), ("Pipeline:DropFiles:MaxRowGroupRows", "1000"));

        Assert.Equal(new DropFileLimits { MaxLineLength = 4096, MaxRowGroupRows = 1000 }, settings.Pipeline.Settings.DropFiles);
        Assert.Equal(PipelineSettings.Tiny with { DropFiles = new DropFileLimits { MaxLineLength = 4096, MaxRowGroupRows = 1000 } }, settings.Pipeline.Settings);
        Assert.Contains(("Pipeline:DropFiles:MaxLineLength", "4096"), settings.Describe());
        Assert.Contains(("Pipeline:DropFiles:MaxDecompressedBytes", (32L << 30).ToString(System.Globalization.CultureInfo.InvariantCulture)), settings.Describe());
    }

    [Fact]
    public void Load_BadDropFileLimits_RefusedByName()
    {
        var error = Assert.Throws<InvalidSettingsException>(() => Load(
            ("Pipeline:DropFiles:MaxLineLength", "100"), ("Pipeline:DropFiles:MaxDecompressedBytes", "0"), ("Pipeline:DropFiles:MaxRowGroupRows", "many")));

        Assert.Equal(
            [
                "Pipeline:DropFiles:MaxRowGroupRows = 'many' (from in-memory configuration) is not valid; expected a whole number",
                "Pipeline:DropFiles:MaxLineLength = 100 is not valid; expected 2,000 to 2,147,483,647 characters",
                "Pipeline:DropFiles:MaxDecompressedBytes = 0 is not valid; expected above 0 bytes",
            ],
            error.Errors);
    }

    private static HostSettings Load(params (string Key, string Value)[] values) =>
        HostSettings.Load(new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => KeyValuePair.Create(v.Key, (string?)v.Value))).Build(), Path.GetTempPath());
}
