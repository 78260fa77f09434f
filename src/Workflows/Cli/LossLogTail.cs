using System.Text.Json;
using RankDistill.Models.Training;

namespace RankDistill.Workflows.Cli;

/// <summary>The last training update in a stage's loss log (the trainer's JSONL of <see cref="LossLogEntry"/>, eval lines between).</summary>
internal static class LossLogTail
{
    public static (long Step, double? Loss) LastStep(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Reverse())
        {
            try
            {
                if (JsonSerializer.Deserialize<LossLogEntry>(line) is { Loss: not null } entry)
                    return (entry.Step, entry.Loss);
            }
            catch (JsonException)
            {
                // A line being written as we read: the one before it is complete.
            }
        }
        return (0, null);
    }
}
