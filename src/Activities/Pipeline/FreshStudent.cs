using RankDistill.Models.Bert;
using RankDistill.Models.Tokenization;

namespace RankDistill.Activities.Pipeline;

/// <summary>The small BERT made from the settings when no base BERT is configured.</summary>
internal static class FreshStudent
{
    public static BertConfig Config(PipelineSettings settings, PairEncoder encoder)
    {
        var student = settings.Student;
        return new BertConfig
        {
            VocabSize = encoder.VocabularySize,
            HiddenSize = student.HiddenSize,
            NumHiddenLayers = student.Layers,
            NumAttentionHeads = student.Heads,
            // BERT's 4× feed-forward expansion.
            IntermediateSize = student.HiddenSize * 4,
            // Positions are learned: a table a little over the longest input the run encodes.
            MaxPositionEmbeddings = Math.Max(128, settings.MaxSequenceLength),
            HiddenDropoutProb = student.Dropout,
            AttentionProbsDropoutProb = student.Dropout,
            PadTokenId = encoder.PadId,
        };
    }
}
