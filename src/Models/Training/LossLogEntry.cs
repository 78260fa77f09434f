using System.Text.Json.Serialization;

namespace RankDistill.Models.Training;

/// <summary>
/// One line of the training log (loss.jsonl): a training update (loss, learning rate, gradient norm)
/// or an evaluation (metrics by name). The dashboard draws the loss curve from these lines.
/// </summary>
[JsonNumberHandling(JsonNumberHandling.AllowNamedFloatingPointLiterals)]
public sealed record LossLogEntry
{
    [JsonPropertyName("step")]
    public long Step { get; init; }

    [JsonPropertyName("loss")]
    public double? Loss { get; init; }

    [JsonPropertyName("lr")]
    public double? LearningRate { get; init; }

    [JsonPropertyName("grad_norm")]
    public double? GradNorm { get; init; }

    [JsonPropertyName("epoch")]
    public long? Epoch { get; init; }

    [JsonPropertyName("eval")]
    public IReadOnlyDictionary<string, double>? Eval { get; init; }
}
