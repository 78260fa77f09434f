using System.Text.Json;

namespace RankDistill.Models.Checkpoints;

/// <summary>The config.json keys that make a Hugging Face ForSequenceClassification model a one-output scorer.</summary>
internal static class HuggingFaceLabels
{
    /// <summary>
    /// <c>num_labels</c> 1 (a regression-style score) and the one-entry label map HF itself writes: HF derives
    /// num_labels from id2label and only warns when the two disagree, so both are given and agree.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, JsonElement> OneScore = new Dictionary<string, JsonElement>
    {
        ["num_labels"] = JsonSerializer.SerializeToElement(1),
        ["id2label"] = JsonSerializer.SerializeToElement(new Dictionary<string, string> { ["0"] = "LABEL_0" }),
        ["label2id"] = JsonSerializer.SerializeToElement(new Dictionary<string, int> { ["LABEL_0"] = 0 }),
    };
}
