using RankDistill.Models.Checkpoints;

namespace RankDistill.Models.Llm;

/// <summary>
/// The one table between Hugging Face LLaMA/Qwen2 tensor names and ours. Our q/k/v and gate/up are
/// fused, so each HF projection is a block of rows: q rows [0, nh·hs), then k and v (nkv·hs each);
/// gate rows [0, F), then up.
/// </summary>
internal static class DecoderWeightNames
{
    public static WeightMap LanguageModel(DecoderConfig config)
    {
        var bindings = Body(config).ToList();
        var ignored = new List<string> { "score.weight", "score.bias" };
        if (config.TieWordEmbeddings)
            ignored.Add("lm_head.weight"); // some tied checkpoints still carry a copy; the embedding is the truth
        else
            bindings.Add(new("lm_head.weight", "lm_head.weight", [config.VocabSize, config.HiddenSize], Head: true));
        return new WeightMap(bindings, "model.", ignored);
    }

    public static WeightMap Ranker(DecoderConfig config)
    {
        var bindings = Body(config).ToList();
        bindings.Add(new("score.weight", "score.weight", [1, config.HiddenSize], Head: true));
        // HF's score is Linear(hidden, num_labels, bias=False): the bias is saved beside the weights (DecoderScoreBias),
        // and read from model.safetensors only where an earlier version put it there.
        bindings.Add(new("score.bias", "score.bias", [1], LoadOnly: true));
        return new WeightMap(bindings, "model.", ["lm_head.weight"]);
    }

    private static IEnumerable<WeightBinding> Body(DecoderConfig c)
    {
        var (d, q, kv, f) = ((long)c.HiddenSize, (long)c.NumAttentionHeads * c.HeadSize, (long)c.KeyValueHeads * c.HeadSize, (long)c.IntermediateSize);
        yield return new("model.embed_tokens.weight", "model.embed.weight", [c.VocabSize, d]);
        for (var i = 0; i < c.NumHiddenLayers; i++)
        {
            var (hf, our) = ($"model.layers.{i}.", $"model.layers.{i}.");
            yield return new(hf + "input_layernorm.weight", our + "attn_norm.weight", [d]);
            // A linear's weight is [out, in], its bias [out].
            foreach (var (kind, isWeight) in c.QkvBias ? new[] { ("weight", true), ("bias", false) } : [("weight", true)])
            {
                long[] Linear(long outFeatures) => isWeight ? [outFeatures, d] : [outFeatures];
                yield return new($"{hf}self_attn.q_proj.{kind}", $"{our}attn.qkv.{kind}", Linear(q), 0, q);
                yield return new($"{hf}self_attn.k_proj.{kind}", $"{our}attn.qkv.{kind}", Linear(kv), q, kv);
                yield return new($"{hf}self_attn.v_proj.{kind}", $"{our}attn.qkv.{kind}", Linear(kv), q + kv, kv);
            }
            yield return new(hf + "self_attn.o_proj.weight", our + "attn.proj.weight", [d, q]);
            if (c.OutputBias)
                yield return new(hf + "self_attn.o_proj.bias", our + "attn.proj.bias", [d]);
            yield return new(hf + "post_attention_layernorm.weight", our + "mlp_norm.weight", [d]);
            yield return new(hf + "mlp.gate_proj.weight", our + "mlp.gate_up.weight", [f, d], 0, f);
            yield return new(hf + "mlp.up_proj.weight", our + "mlp.gate_up.weight", [f, d], f, f);
            yield return new(hf + "mlp.down_proj.weight", our + "mlp.down.weight", [d, f]);
        }
        yield return new("model.norm.weight", "model.norm.weight", [d]);
    }
}
