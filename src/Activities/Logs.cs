using Microsoft.Extensions.Logging;

namespace RankDistill.Activities;

/// <summary>The activities' log messages, with stable event ids (5000s: pipeline steps).</summary>
internal static partial class Logs
{
    [LoggerMessage(5000, LogLevel.Information, "{Step} of run {RunId} is already complete at {Path}: reusing it")]
    public static partial void StepReused(ILogger logger, string step, string runId, string path);

    [LoggerMessage(5001, LogLevel.Warning, "{Step} of run {RunId}: the output at {Path} is damaged ({Problem}); doing the step again")]
    public static partial void StepOutputDamaged(ILogger logger, string step, string runId, string path, string problem);

    [LoggerMessage(5002, LogLevel.Information, "PrepareData of run {RunId}: {Files} drop files, {ClickRows} click rows ({Rejected} rejected), {Lists} candidate lists in {Shards} shards")]
    public static partial void DataPrepared(ILogger logger, string runId, int files, long clickRows, long rejected, int lists, int shards);

    [LoggerMessage(5003, LogLevel.Information, "{Stage} of run {RunId}: {Examples} examples, {Steps} steps, model {Model}")]
    public static partial void StageStarting(ILogger logger, string stage, string runId, int examples, long steps, string model);

    [LoggerMessage(5004, LogLevel.Information, "{Stage} of run {RunId} done: loss {Loss:F4} after {Steps} steps (resumed from step {ResumedFrom}); model at {Path}")]
    public static partial void StageDone(ILogger logger, string stage, string runId, double loss, long steps, long resumedFrom, string path);

    [LoggerMessage(5005, LogLevel.Information, "TeacherLabeling of run {RunId}: shard {Shard} scored, {Lists} lists, {Documents} documents")]
    public static partial void ShardLabelled(ILogger logger, string runId, int shard, int lists, int documents);

    [LoggerMessage(5006, LogLevel.Warning, "Could not remove the scratch folder {Path}: {Problem}")]
    public static partial void ScratchNotRemoved(ILogger logger, string path, string problem);

    [LoggerMessage(5007, LogLevel.Debug, "{Stage} of run {RunId}: progress not written ({Problem}); the next update tries again")]
    public static partial void ProgressNotWritten(ILogger logger, string stage, string runId, string problem);

    [LoggerMessage(5008, LogLevel.Information, "Run {RunId} starts from the published models of run {PublishedRun}: teacher {Teacher}, student {Student}")]
    public static partial void BaseModelsResolved(ILogger logger, string runId, string publishedRun, string teacher, string student);
}
