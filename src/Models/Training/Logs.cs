using Microsoft.Extensions.Logging;

namespace RankDistill.Models.Training;

/// <summary>Log messages of training, checkpoints and devices, with stable event ids (4000–4099).</summary>
internal static partial class Logs
{
    [LoggerMessage(4000, LogLevel.Information, "Torch device {Device} (setting '{Setting}'), {IntraOpThreads} intra-op and {InterOpThreads} inter-op threads")]
    public static partial void DeviceChosen(ILogger logger, string device, string setting, int intraOpThreads, int interOpThreads);

    [LoggerMessage(4001, LogLevel.Warning, "Torch inter-op threads not set to {Requested}: the process keeps {Current} ({Reason})")]
    public static partial void InterOpThreadsNotSet(ILogger logger, int requested, int current, string reason);

    [LoggerMessage(4010, LogLevel.Warning, "Skipping corrupt checkpoint of step {Step}: {Reason}")]
    public static partial void CorruptCheckpointSkipped(ILogger logger, long step, string reason);

    [LoggerMessage(4011, LogLevel.Information, "Resuming training from the checkpoint of step {Step}")]
    public static partial void Resuming(ILogger logger, long step);

    [LoggerMessage(4012, LogLevel.Information, "Starting training from scratch: {TotalSteps} steps")]
    public static partial void StartingFresh(ILogger logger, long totalSteps);

    [LoggerMessage(4013, LogLevel.Information, "Saved the checkpoint of step {Step}")]
    public static partial void CheckpointSaved(ILogger logger, long step);

    [LoggerMessage(4014, LogLevel.Information, "Step {Step}/{TotalSteps}: loss {Loss:F4}, learning rate {LearningRate:E2}, gradient norm {GradNorm:F3}")]
    public static partial void StepDone(ILogger logger, long step, long totalSteps, double loss, double learningRate, double gradNorm);

    [LoggerMessage(4015, LogLevel.Warning, "No checkpoint of {Count} could be loaded; starting training from scratch")]
    public static partial void NoValidCheckpoint(ILogger logger, int count);
}
