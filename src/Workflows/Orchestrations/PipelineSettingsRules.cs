using System.Globalization;
using RankDistill.Activities.Pipeline;

namespace RankDistill.Workflows.Orchestrations;

/// <summary>
/// What makes <see cref="PipelineSettings"/> usable, checked where settings enter: the <c>Pipeline</c> configuration
/// section at host start, and the orchestration's input before the first step (a run submitted by another host must
/// not train for an hour before tripping over a zero). Problems name the setting as the configuration spells it.
/// Pure: safe to call from orchestration code.
/// </summary>
public static class PipelineSettingsRules
{
    public static IReadOnlyList<string> Problems(PipelineSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var problems = new List<string>();
        void Require(bool ok, string key, object value, string expected)
        {
            if (!ok)
                problems.Add($"Pipeline:{key} = {Convert.ToString(value, CultureInfo.InvariantCulture)} is not valid; expected {expected}");
        }

        Require(settings.MaxSequenceLength is >= 8 and <= 4096, "MaxSequenceLength", settings.MaxSequenceLength, "8 to 4096 tokens");
        Require(settings.LabelingShardSize >= 1, "LabelingShardSize", settings.LabelingShardSize, "at least 1 candidate list");
        Require(settings.SampledCandidates >= 0, "SampledCandidates", settings.SampledCandidates, "0 or more documents a list");
        foreach (var (name, model) in new[] { ("Teacher", (settings.Teacher.HiddenSize, settings.Teacher.Layers, settings.Teacher.Heads, settings.Teacher.VocabularySize)),
                     ("Student", (settings.Student.HiddenSize, settings.Student.Layers, settings.Student.Heads, settings.Student.VocabularySize)) })
        {
            Require(model.HiddenSize >= 8, $"{name}:HiddenSize", model.HiddenSize, "at least 8");
            Require(model.Layers >= 1, $"{name}:Layers", model.Layers, "at least 1");
            Require(model.Heads >= 1 && model.HiddenSize % Math.Max(1, model.Heads) == 0, $"{name}:Heads", model.Heads, $"at least 1 and a divisor of {name}:HiddenSize ({model.HiddenSize})");
            Require(model.VocabularySize >= 100, $"{name}:VocabularySize", model.VocabularySize, "at least 100");
        }
        foreach (var (name, stage) in new[] { ("ContinuedPretraining", settings.ContinuedPretraining), ("RankFinetuning", settings.RankFinetuning),
                     ("StudentPretraining", settings.StudentPretraining), ("Distillation", settings.Distillation) })
        {
            // The student's pre-training is the one stage a run may leave out (0 steps).
            var least = name == "StudentPretraining" ? 0 : 1;
            Require(stage.Steps >= least, $"{name}:Steps", stage.Steps, $"at least {least}");
            Require(stage.LearningRate > 0 && stage.LearningRate < 1, $"{name}:LearningRate", stage.LearningRate, "above 0 and below 1");
            Require(stage.BatchSize >= 1, $"{name}:BatchSize", stage.BatchSize, "at least 1");
            Require(stage.CheckpointEvery >= 1, $"{name}:CheckpointEvery", stage.CheckpointEvery, "at least 1 step");
        }
        Require(settings.Publish.MinStudentVsTeacher is >= 0 and <= 2, "Publish:MinStudentVsTeacher", settings.Publish.MinStudentVsTeacher, "a fraction from 0 to 2");
        return problems;
    }

    /// <summary>Throws <see cref="InvalidPipelineSettingsException"/> listing every problem, if there is one.</summary>
    public static void Check(PipelineSettings settings)
    {
        var problems = Problems(settings);
        if (problems.Count > 0)
            throw new InvalidPipelineSettingsException("The pipeline settings cannot make a run: " + string.Join("; ", problems));
    }
}
