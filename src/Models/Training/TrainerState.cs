using System.Text.Json;

namespace RankDistill.Models.Training;

/// <summary>
/// The trainer's own state in a checkpoint (trainer-state.json). The learning-rate schedule and
/// torch's generators are functions of <see cref="Step"/> and <see cref="Seed"/>, so the step is the
/// scheduler's state and the RNG's; the data position is (epoch, micro-batch within the epoch).
/// </summary>
public sealed record TrainerState(long Step, long Epoch, int BatchInEpoch, long Seed, double LastLoss)
{
    public const string FileName = "trainer-state.json";

    private static readonly JsonSerializerOptions _json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public static TrainerState Start(long seed) => new(0, 0, 0, seed, double.NaN);

    public void Save(string path) => File.WriteAllText(path, JsonSerializer.Serialize(this, _json));

    public static TrainerState Load(string path) =>
        JsonSerializer.Deserialize<TrainerState>(File.ReadAllText(path), _json)
        ?? throw new InvalidDataException($"{path}: empty trainer state.");
}
