using RankDistill.Models.Llm;
using TorchSharp;
using static TorchSharp.torch;

namespace RankDistill.Models.Tests.Llm;

public sealed class DecoderModelTests
{
    [Fact]
    public void LanguageModel_Forward_ReturnsLogitsPerPositionAndVocabularyEntry()
    {
        manual_seed(1);
        using var model = new DecoderLanguageModel(TinyDecoder.Config(tied: false));
        using var scope = NewDisposeScope();
        var ids = TinyDecoder.RandomIds(3, 7);
        var logits = model.forward(ids, ones_like(ids));
        Assert.Equal(new long[] { 3, 7, 97 }, logits.shape);
        Assert.False(logits.isnan().any().item<bool>());
    }

    [Fact]
    public void CausalAttention_LaterTokenChanged_EarlierOutputsUnchanged()
    {
        manual_seed(2);
        using var model = new DecoderLanguageModel(TinyDecoder.Config());
        model.eval();
        using var scope = NewDisposeScope();
        var ids = TinyDecoder.RandomIds(2, 10);
        var changed = ids.clone();
        changed[.., 6] = (changed[.., 6] % 90) + 3;
        var a = model.forward(ids, ones_like(ids));
        var b = model.forward(changed, ones_like(changed));
        TinyDecoder.AssertClose(a[.., ..6], b[.., ..6], atol: 1e-6);
        Assert.True((a[.., 6..] - b[.., 6..]).abs().max().item<float>() > 1e-4, "the changed token must change its own and later outputs");
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Ranker_PaddedOnEitherSide_ScoresAsUnpadded(bool left)
    {
        manual_seed(3);
        using var model = new DecoderRanker(TinyDecoder.Config());
        model.eval();
        using var scope = NewDisposeScope();
        long[][] rows = [[5, 9, 14, 2], [7, 3, 3, 8, 12, 40, 2], [11, 2]];
        var alone = cat(rows.Select(r => model.forward(tensor(r).unsqueeze(0), ones(1, r.Length, int64))).ToArray());
        var (ids, mask) = TinyDecoder.Pad(rows, width: 9, left);
        var batched = model.forward(ids, mask);
        Assert.Equal(new long[] { 3 }, batched.shape);
        TinyDecoder.AssertClose(alone, batched, atol: 1e-5);
    }

    [Fact]
    public void Ranker_ScoresRowsFromTheirOwnLastToken()
    {
        manual_seed(4);
        using var model = new DecoderRanker(TinyDecoder.Config());
        model.eval();
        using var scope = NewDisposeScope();
        var (ids, mask) = TinyDecoder.Pad([[5, 9, 14, 2], [5, 9, 14, 2, 30]], width: 6, left: false);
        var scores = model.forward(ids, mask);
        Assert.NotEqual(scores[0].item<float>(), scores[1].item<float>());
    }

    [Fact]
    public void GroupedQueryAttention_FewerKeyValueHeads_EqualsFullAttentionWithRepeatedHeads()
    {
        manual_seed(5);
        var gqaConfig = TinyDecoder.Config(kvHeads: 2);
        using var gqa = new DecoderLanguageModel(gqaConfig);
        using var full = new DecoderLanguageModel(gqaConfig with { NumKeyValueHeads = 4 });
        var (nh, nkv, hs) = (4, 2, gqaConfig.HeadSize);
        var source = gqa.state_dict();
        using (no_grad())
        {
            foreach (var (name, target) in full.state_dict())
            {
                if (!name.EndsWith("attn.qkv.weight", StringComparison.Ordinal) && !name.EndsWith("attn.qkv.bias", StringComparison.Ordinal))
                {
                    target.copy_(source[name]);
                    continue;
                }
                // Full layout: q heads, then nh k heads, then nh v heads; query head h reads kv head h / (nh / nkv).
                var from = source[name];
                target.narrow(0, 0, nh * hs).copy_(from.narrow(0, 0, nh * hs));
                for (var h = 0; h < nh; h++)
                {
                    var kvHead = h / (nh / nkv);
                    target.narrow(0, (nh + h) * hs, hs).copy_(from.narrow(0, (nh + kvHead) * hs, hs));
                    target.narrow(0, (2 * nh + h) * hs, hs).copy_(from.narrow(0, (nh + nkv + kvHead) * hs, hs));
                }
            }
        }
        using var scope = NewDisposeScope();
        var ids = TinyDecoder.RandomIds(2, 8);
        TinyDecoder.AssertClose(full.forward(ids, ones_like(ids)), gqa.forward(ids, ones_like(ids)), atol: 1e-5);
    }

    [Fact]
    public void Rotary_HandComputedAngles_MatchRotateHalfFormula()
    {
        using var scope = NewDisposeScope();
        using var rope = new RotaryEmbedding(headSize: 4, theta: 10000);
        var positions = tensor(new long[] { 0, 1, 2 }).unsqueeze(0); // (1, 3)
        var (cos, sin) = rope.forward(positions);
        var x = tensor(new float[] { 1, 2, 3, 4 }).expand(1, 1, 3, 4); // (B, nh, T, hs)
        var rotated = RotaryEmbedding.Apply(x, cos, sin);

        // HF: inv_freq = theta^(-[0, 2]/4) = [1, 0.01]; emb = cat(freqs, freqs); rotate_half([1,2,3,4]) = [-3,-4,1,2].
        var expected = new float[12];
        for (var p = 0; p < 3; p++)
        {
            double[] angle = [p * 1.0, p * 0.01, p * 1.0, p * 0.01];
            double[] xs = [1, 2, 3, 4];
            double[] half = [-3, -4, 1, 2];
            for (var i = 0; i < 4; i++)
                expected[p * 4 + i] = (float)(xs[i] * Math.Cos(angle[i]) + half[i] * Math.Sin(angle[i]));
        }
        TinyDecoder.AssertClose(tensor(expected).view(1, 1, 3, 4), rotated, atol: 1e-6);
    }

    [Fact]
    public void Ranker_ConvertedWithTo_ParametersAndRotaryTableFollow()
    {
        // No GPU here: a dtype change exercises the same .to() path (parameters and the rotary buffer move together).
        using var model = new DecoderRanker(TinyDecoder.Config());
        model.to(float64);
        using var scope = NewDisposeScope();
        var ids = TinyDecoder.RandomIds(2, 5);
        Assert.All(model.parameters(), p => Assert.Equal(ScalarType.Float64, p.dtype));
        Assert.Equal(ScalarType.Float64, model.forward(ids, ones_like(ids)).dtype);
    }
}
