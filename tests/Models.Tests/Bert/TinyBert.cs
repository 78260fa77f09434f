using RankDistill.Models.Bert;

namespace RankDistill.Models.Tests.Bert;

internal static class TinyBert
{
    public static BertConfig Config() => new()
    {
        VocabSize = 101,
        HiddenSize = 32,
        NumHiddenLayers = 2,
        NumAttentionHeads = 4,
        IntermediateSize = 64,
        MaxPositionEmbeddings = 64,
    };
}
