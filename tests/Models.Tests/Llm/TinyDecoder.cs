using RankDistill.Models.Llm;
using RankDistill.Models.Tokenization;
using static TorchSharp.torch;

namespace RankDistill.Models.Tests.Llm;

/// <summary>Small decoder configs and inputs for fast tests.</summary>
internal static class TinyDecoder
{
    public static DecoderConfig Config(string modelType = "qwen2", int kvHeads = 2, bool tied = true) => new()
    {
        ModelType = modelType,
        VocabSize = 97,
        HiddenSize = 32,
        IntermediateSize = 64,
        NumHiddenLayers = 2,
        NumAttentionHeads = 4,
        NumKeyValueHeads = kvHeads,
        MaxPositionEmbeddings = 128,
        RopeTheta = 10000,
        TieWordEmbeddings = tied,
    };

    /// <summary>A decoder tokenizer's layout for saving rankers: pad 0 (never drawn by <see cref="RandomIds"/>), end 1.</summary>
    public static PairLayout Layout { get; } = new(IsCrossEncoder: false, PadId: 0, EndId: 1);

    /// <summary>(B, T) int64 ids in [1, vocab).</summary>
    public static Tensor RandomIds(int rows, int length, int vocab = 97) => randint(1, vocab, [rows, length], dtype: int64);

    /// <summary>Places each row's tokens at the left or right of a width-<paramref name="width"/> row, padding the rest with <paramref name="pad"/>.</summary>
    public static (Tensor Ids, Tensor Mask) Pad(long[][] rows, int width, bool left, long pad = 0)
    {
        var ids = new long[rows.Length * width];
        var mask = new long[rows.Length * width];
        for (var r = 0; r < rows.Length; r++)
        {
            var start = left ? width - rows[r].Length : 0;
            for (var j = 0; j < width; j++)
            {
                var k = j - start;
                var real = k >= 0 && k < rows[r].Length;
                ids[r * width + j] = real ? rows[r][k] : pad;
                mask[r * width + j] = real ? 1 : 0;
            }
        }
        return (tensor(ids, rows.Length, width), tensor(mask, rows.Length, width));
    }

    public static void AssertClose(Tensor expected, Tensor actual, double atol = 1e-5)
    {
        Assert.Equal(expected.shape, actual.shape);
        var diff = (expected - actual).abs().max().item<float>();
        Assert.True(diff <= atol, $"max |difference| {diff} exceeds {atol}");
    }

    public static void AssertIdentical(Tensor expected, Tensor actual)
    {
        Assert.Equal(expected.shape, actual.shape);
        Assert.True(expected.eq(actual).all().item<bool>(), $"tensors differ by up to {(expected - actual).abs().max().item<float>()}");
    }
}
