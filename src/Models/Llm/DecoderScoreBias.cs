using System.Text.Json;

namespace RankDistill.Models.Llm;

/// <summary>
/// The ranker's score bias, kept in <c>score_bias.json</c> beside the weights: Hugging Face's
/// Qwen2ForSequenceClassification and LlamaForSequenceClassification score with Linear(hidden, 1, bias=False), so
/// <c>model.safetensors</c> has no place for it. HF, which ignores this file, scores s − b: the same order; our loader
/// adds b back and gives the exact scores.
/// </summary>
internal static class DecoderScoreBias
{
    public const string FileName = "score_bias.json";

    private const string Key = "score.bias";

    public static void Write(string folder, float bias)
    {
        // A float32 is written in its shortest round-trip form, so reading it back gives the same bits.
        File.WriteAllText(Path.Combine(folder, FileName), JsonSerializer.Serialize(new Dictionary<string, float> { [Key] = bias }));
    }

    /// <returns>The saved bias, or null when the folder has none (a Hugging Face ranker or language model: no bias, as HF).</returns>
    public static float? Read(string folder)
    {
        var path = Path.Combine(folder, FileName);
        if (!File.Exists(path))
            return null;
        var values = JsonSerializer.Deserialize<Dictionary<string, float>>(File.ReadAllText(path));
        return values is not null && values.TryGetValue(Key, out var bias) ? bias : throw new InvalidDataException($"{path}: no '{Key}'");
    }
}
