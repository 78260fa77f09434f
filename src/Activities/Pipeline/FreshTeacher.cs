using RankDistill.Models.Llm;

namespace RankDistill.Activities.Pipeline;

/// <summary>The small decoder made from the settings when no base LLM is configured.</summary>
internal static class FreshTeacher
{
    public static DecoderConfig Config(PipelineSettings settings, int vocabularySize)
    {
        var teacher = settings.Teacher;
        return new DecoderConfig
        {
            ModelType = "qwen2",
            VocabSize = vocabularySize,
            HiddenSize = teacher.HiddenSize,
            // SwiGLU's usual 8/3 expansion (LLaMA's), rounded down to a multiple of 32 for the matmuls.
            IntermediateSize = Math.Max(32, teacher.HiddenSize * 8 / 3 / 32 * 32),
            NumHiddenLayers = teacher.Layers,
            NumAttentionHeads = teacher.Heads,
            NumKeyValueHeads = teacher.Heads,
            // Rotary positions need no table; this is only the longest input the config claims to handle.
            MaxPositionEmbeddings = Math.Max(256, settings.MaxSequenceLength),
            RopeTheta = 10000,
            // Tied input and output embeddings, as small Qwen2 models ship: fewer weights to learn from little data.
            TieWordEmbeddings = true,
            RmsNormEps = 1e-6,
        };
    }
}
