using RankDistill.Models.Bert;
using RankDistill.Models.Tests.Llm;
using static TorchSharp.torch;

namespace RankDistill.Models.Tests.Bert;

public sealed class BertRankerTests
{
    [Fact]
    public void Score_Batch_OneFloatScorePerRow()
    {
        manual_seed(11);
        using var model = new BertRanker(TinyBert.Config());
        model.eval();
        using var scope = NewDisposeScope();
        var ids = TinyDecoder.RandomIds(4, 9, vocab: 101);
        using var batch = new TokenBatch(ids, ones_like(ids), zeros_like(ids));
        var scores = model.Score(batch);
        Assert.Equal(new long[] { 4 }, scores.shape);
        Assert.Equal(ScalarType.Float32, scores.dtype);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Forward_RightPadded_ScoresAsUnpadded(bool usePooler)
    {
        manual_seed(12);
        using var model = new BertRanker(TinyBert.Config(), usePooler);
        model.eval();
        using var scope = NewDisposeScope();
        long[][] rows = [[2, 17, 40, 3, 55, 61, 3], [2, 9, 3, 70, 3], [2, 5, 6, 7, 3, 8, 9, 10, 11, 3]];
        long[][] types = rows.Select(r => Segments(r)).ToArray();
        var alone = cat(rows.Select((r, i) => model.forward(tensor(r).unsqueeze(0), tensor(types[i]).unsqueeze(0), ones(1, r.Length, int64))).ToArray());
        var (ids, mask) = TinyDecoder.Pad(rows, width: 12, left: false);
        var (typeIds, _) = TinyDecoder.Pad(types, width: 12, left: false);
        TinyDecoder.AssertClose(alone, model.forward(ids, typeIds, mask), atol: 1e-5);
    }

    [Fact]
    public void Embeddings_LeftPadded_PositionsAreSlotIndicesAsHuggingFace()
    {
        // HF's BertEmbeddings adds position_embeddings[arange(T)] whatever the padding: [CLS] after 3 pads is at position 3.
        manual_seed(14);
        var c = TinyBert.Config();
        using var embeddings = new BertEmbeddings(c);
        embeddings.eval();
        using var scope = NewDisposeScope();
        var (ids, _) = TinyDecoder.Pad([[2, 17, 40, 3], [2, 9, 3, 70, 71, 72, 3]], width: 7, left: true);
        var types = zeros_like(ids);
        var w = embeddings.state_dict();
        var sum = w["word.weight"][ids] + w["position.weight"][arange(7)] + w["token_type.weight"][types];
        var expected = nn.functional.layer_norm(sum, [c.HiddenSize], w["norm.weight"], w["norm.bias"], c.LayerNormEps);
        TinyDecoder.AssertClose(expected, embeddings.forward(ids, types), atol: 1e-6);
    }

    [Fact]
    public void Layer_SameWeights_MatchesTorchBuiltInTransformerEncoderLayer()
    {
        manual_seed(13);
        // The built-in layer is post-norm with PyTorch's LayerNorm eps (1e-5) and exact GELU.
        var config = TinyBert.Config() with { LayerNormEps = 1e-5, HiddenDropoutProb = 0, AttentionProbsDropoutProb = 0 };
        using var ours = new BertLayer(config);
        using var builtIn = nn.TransformerEncoderLayer(config.HiddenSize, config.NumAttentionHeads, config.IntermediateSize, 0.0, nn.Activations.GELU);
        ours.eval();
        builtIn.eval();
        var names = new Dictionary<string, string>
        {
            ["self_attn.in_proj_weight"] = "attn.qkv.weight",
            ["self_attn.in_proj_bias"] = "attn.qkv.bias",
            ["self_attn.out_proj.weight"] = "attn.proj.weight",
            ["self_attn.out_proj.bias"] = "attn.proj.bias",
            ["linear1.weight"] = "ffn_in.weight",
            ["linear1.bias"] = "ffn_in.bias",
            ["linear2.weight"] = "ffn_out.weight",
            ["linear2.bias"] = "ffn_out.bias",
            ["norm1.weight"] = "attn_norm.weight",
            ["norm1.bias"] = "attn_norm.bias",
            ["norm2.weight"] = "ffn_norm.weight",
            ["norm2.bias"] = "ffn_norm.bias",
        };
        var theirs = builtIn.state_dict();
        var mine = ours.state_dict();
        Assert.Equal(names.Keys.Order(), theirs.Keys.Order());
        using (no_grad())
        {
            foreach (var (name, tensor) in mine)
                tensor.copy_(randn_like(tensor) * 0.2 + (name.EndsWith("norm.weight", StringComparison.Ordinal) ? 1 : 0));
            foreach (var (their, our) in names)
                theirs[their].copy_(mine[our]);
        }

        using var scope = NewDisposeScope();
        var x = randn(3, 7, config.HiddenSize);                                        // (B, T, C)
        var mask = tensor(new long[] { 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 1, 1, 1, 1, 1, 1, 0 }, 3, 7);
        var expected = builtIn.call(x.transpose(0, 1), null!, mask.eq(0)).transpose(0, 1); // built-in takes (T, B, C), true = padding
        var actual = ours.forward(x, mask.to(@bool).view(3, 1, 1, 7));
        var real = mask.to(@bool).unsqueeze(-1);
        TinyDecoder.AssertClose(expected.masked_fill(real.logical_not(), 0), actual.masked_fill(real.logical_not(), 0), atol: 1e-5);
    }

    private static long[] Segments(long[] row)
    {
        // [CLS] q [SEP] is segment 0; the document and its [SEP] are segment 1 (id 3 plays [SEP]).
        var firstSep = Array.IndexOf(row, 3L);
        return row.Select((_, i) => i <= firstSep ? 0L : 1L).ToArray();
    }
}
