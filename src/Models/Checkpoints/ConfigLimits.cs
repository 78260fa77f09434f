namespace RankDistill.Models.Checkpoints;

/// <summary>
/// The largest size each <c>config.json</c> key may ask for. A hostile or corrupt config would otherwise reach
/// libtorch as an absurd allocation or an overflowed shape; these bounds sit far above every published model, and
/// a config within them still has to match its weights' headers before a model is built.
/// </summary>
internal static class ConfigLimits
{
    private static readonly Dictionary<string, long> _max = new(StringComparer.Ordinal)
    {
        ["vocab_size"] = 1 << 21, // Gemma 3's 262,144 is the largest published
        ["hidden_size"] = 1 << 16, // LLaMA 3.1 405B: 16,384
        ["intermediate_size"] = 1 << 18, // LLaMA 3.1 405B: 53,248
        ["num_hidden_layers"] = 1024, // LLaMA 3.1 405B: 126
        ["num_attention_heads"] = 1024, // LLaMA 3.1 405B: 128
        ["num_key_value_heads"] = 1024,
        ["head_dim"] = 1024, // 256 in Gemma
        ["max_position_embeddings"] = 1 << 24, // 10M-token contexts exist; BERT's learned table is 512
        ["type_vocab_size"] = 1024, // BERT: 2
    };

    /// <summary>Throws naming the key unless <paramref name="value"/> is in [1, its limit].</summary>
    public static void Check(string key, long value)
    {
        var max = _max[key];
        if (value < 1 || value > max)
            throw new ArgumentException($"config.json: {key} {value} is outside [1, {max}]");
    }
}
