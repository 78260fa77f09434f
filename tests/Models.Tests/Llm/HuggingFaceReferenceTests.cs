using RankDistill.Models.Checkpoints;
using RankDistill.Models.Llm;
using RankDistill.Models.Tests.Checkpoints;
using static TorchSharp.torch;

namespace RankDistill.Models.Tests.Llm;

/// <summary>
/// Our decoder against Hugging Face's Qwen2/LLaMA forward written out step by step from the checkpoint's
/// own tensors (separate q/k/v, repeat_kv, explicit causal softmax, rotate_half), as modeling_qwen2 does it.
/// </summary>
public sealed class HuggingFaceReferenceTests
{
    [Theory]
    [InlineData("qwen2", 2, true)]
    [InlineData("llama", 4, false)]
    public void LanguageModel_Logits_MatchStepByStepHuggingFaceForward(string modelType, int kvHeads, bool tied)
    {
        using var dir = new TempFolder();
        manual_seed(31);
        var c = TinyDecoder.Config(modelType, kvHeads, tied) with { RopeTheta = 1e6, RmsNormEps = 1e-5 };
        using var model = new DecoderLanguageModel(c);
        using (no_grad())
        {
            // Norm weights start at one; perturb them so a skipped or misplaced norm weight shows.
            foreach (var (name, p) in model.named_parameters().Where(p => p.name.EndsWith("norm.weight", StringComparison.Ordinal)))
                p.add_(randn_like(p) * 0.3);
        }
        DecoderCheckpoint.Save(model, dir.Path);
        using var scope = NewDisposeScope();
        using var reader = SafeTensorsReader.Open(dir.File("model.safetensors"));
        var w = reader.Entries.ToDictionary(e => e.Name, reader.Read);

        var ids = TinyDecoder.RandomIds(2, 9);
        var expected = Reference(c, w, ids);
        TinyDecoder.AssertClose(expected, model.forward(ids, ones_like(ids)), atol: 1e-4);
    }

    private static Tensor Reference(DecoderConfig c, Dictionary<string, Tensor> w, Tensor ids)
    {
        var (b, t, nh, nkv, hs) = (ids.shape[0], ids.shape[1], c.NumAttentionHeads, c.KeyValueHeads, c.HeadSize);
        Tensor Norm(Tensor x, string name) => w[name] * (x * (x.pow(2).mean([-1], keepdim: true) + c.RmsNormEps).rsqrt());
        Tensor Linear(Tensor x, string name) => w.TryGetValue(name + ".bias", out var bias) ? nn.functional.linear(x, w[name + ".weight"], bias) : nn.functional.linear(x, w[name + ".weight"]);
        Tensor RotateHalf(Tensor x) => cat([-x[.., .., .., (int)(hs / 2)..], x[.., .., .., ..(int)(hs / 2)]], -1);

        var invFreq = 1.0 / pow(c.RopeTheta, arange(0, hs, 2, float64) / hs);
        var freqs = outer(arange(t, float64), invFreq).to(float32);
        var emb = cat([freqs, freqs], -1);
        var (cos, sin) = (emb.cos(), emb.sin());
        var causal = ones(t, t, @bool).tril();

        var h = w["model.embed_tokens.weight"][ids];
        for (var i = 0; i < c.NumHiddenLayers; i++)
        {
            var p = $"model.layers.{i}.";
            var x = Norm(h, p + "input_layernorm.weight");
            var q = Linear(x, p + "self_attn.q_proj").view(b, t, nh, hs).transpose(1, 2);
            var k = Linear(x, p + "self_attn.k_proj").view(b, t, nkv, hs).transpose(1, 2);
            var v = Linear(x, p + "self_attn.v_proj").view(b, t, nkv, hs).transpose(1, 2);
            (q, k) = (q * cos + RotateHalf(q) * sin, k * cos + RotateHalf(k) * sin);
            (k, v) = (k.repeat_interleave(nh / nkv, 1), v.repeat_interleave(nh / nkv, 1));
            var scores = q.matmul(k.transpose(-2, -1)) / Math.Sqrt(hs);
            var attn = scores.masked_fill(causal.logical_not(), double.NegativeInfinity).softmax(-1).matmul(v);
            h = h + Linear(attn.transpose(1, 2).reshape(b, t, nh * hs), p + "self_attn.o_proj");
            x = Norm(h, p + "post_attention_layernorm.weight");
            var mlp = nn.functional.silu(Linear(x, p + "mlp.gate_proj")) * Linear(x, p + "mlp.up_proj");
            h = h + Linear(mlp, p + "mlp.down_proj");
        }
        h = Norm(h, "model.norm.weight");
        return nn.functional.linear(h, w.GetValueOrDefault("lm_head.weight") ?? w["model.embed_tokens.weight"]);
    }
}
