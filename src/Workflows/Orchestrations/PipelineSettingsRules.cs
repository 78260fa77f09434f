using System.Globalization;
using RankDistill.Activities.Data;
using RankDistill.Activities.Pipeline;
using RankDistill.Models.Losses;

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
        Require(settings.LabelingShardSize is >= 1 and <= 1_000_000, "LabelingShardSize", settings.LabelingShardSize, "1 to 1,000,000 candidate lists");
        Require(settings.SampledCandidates is >= 0 and <= 10_000, "SampledCandidates", settings.SampledCandidates, "0 to 10,000 documents a list");
        Require(settings.RankLoss is RankLossKind.PairwiseHinge or RankLossKind.RankNet or RankLossKind.ListwiseSoftmax, "RankLoss", settings.RankLoss, "PairwiseHinge, RankNet or ListwiseSoftmax");
        // α and β weigh the point-wise and margin MSE terms (method.md); either may be 0, not both.
        Require(settings.DistillationAlpha is >= 0 and <= 1000, "DistillationAlpha", settings.DistillationAlpha, "0 to 1000");
        Require(settings.DistillationBeta is >= 0 and <= 1000, "DistillationBeta", settings.DistillationBeta, "0 to 1000");
        Require(settings.DistillationAlpha != 0 || settings.DistillationBeta != 0, "DistillationBeta", settings.DistillationBeta, "above 0 when DistillationAlpha is 0");
        foreach (var (name, model) in new[] { ("Teacher", (settings.Teacher.HiddenSize, settings.Teacher.Layers, settings.Teacher.Heads, settings.Teacher.VocabularySize)),
                     ("Student", (settings.Student.HiddenSize, settings.Student.Layers, settings.Student.Heads, settings.Student.VocabularySize)) })
        {
            Require(model.HiddenSize is >= 8 and <= 16384, $"{name}:HiddenSize", model.HiddenSize, "8 to 16384");
            Require(model.Layers is >= 1 and <= 256, $"{name}:Layers", model.Layers, "1 to 256");
            Require(model.Heads is >= 1 and <= 256 && model.HiddenSize % model.Heads == 0, $"{name}:Heads", model.Heads, $"1 to 256 and a divisor of {name}:HiddenSize ({model.HiddenSize})");
            Require(model.VocabularySize is >= 100 and <= 1_000_000, $"{name}:VocabularySize", model.VocabularySize, "100 to 1,000,000");
        }
        Require(Enum.IsDefined(settings.Teacher.Pooling), "Teacher:Pooling", settings.Teacher.Pooling, "LastToken or Mean");
        Require(settings.Student.Dropout is >= 0 and < 1, "Student:Dropout", settings.Student.Dropout, "from 0 up to (not including) 1");
        foreach (var (name, stage) in new[] { ("ContinuedPretraining", settings.ContinuedPretraining), ("RankFinetuning", settings.RankFinetuning),
                     ("StudentPretraining", settings.StudentPretraining), ("Distillation", settings.Distillation) })
        {
            // The pre-training stages, CPT and the student's, may be left out (0 steps); SFT and distillation make the models.
            var least = name is "StudentPretraining" or "ContinuedPretraining" ? 0 : 1;
            Require(stage.Steps >= least && stage.Steps <= 10_000_000, $"{name}:Steps", stage.Steps, $"{least} to 10,000,000");
            Require(stage.LearningRate is > 0 and < 1, $"{name}:LearningRate", stage.LearningRate, "above 0 and below 1");
            Require(stage.BatchSize is >= 1 and <= 65_536, $"{name}:BatchSize", stage.BatchSize, "1 to 65,536");
            Require(stage.CheckpointEvery is >= 1 and <= 10_000_000, $"{name}:CheckpointEvery", stage.CheckpointEvery, "1 to 10,000,000 steps");
            Require(stage.WarmupFraction is >= 0 and < 1, $"{name}:WarmupFraction", stage.WarmupFraction, "from 0 up to (not including) 1");
            Require(stage.WeightDecay is >= 0 and < 1, $"{name}:WeightDecay", stage.WeightDecay, "from 0 up to (not including) 1");
        }
        var limits = settings.DropFiles;
        // A line shorter than a rejected row's kept text would leave nothing to show of what was refused.
        Require(limits.MaxLineLength >= RejectedRow.MaxRawTextLength, "DropFiles:MaxLineLength", limits.MaxLineLength,
            string.Create(CultureInfo.InvariantCulture, $"{RejectedRow.MaxRawTextLength:N0} to {int.MaxValue:N0} characters"));
        Require(limits.MaxDecompressedBytes > 0, "DropFiles:MaxDecompressedBytes", limits.MaxDecompressedBytes, "above 0 bytes");
        Require(limits.MaxRowGroupRows > 0 && limits.MaxRowGroupRows <= Array.MaxLength, "DropFiles:MaxRowGroupRows", limits.MaxRowGroupRows,
            string.Create(CultureInfo.InvariantCulture, $"1 to {Array.MaxLength:N0} rows"));
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
