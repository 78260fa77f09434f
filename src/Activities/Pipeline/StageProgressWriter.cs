using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using RankDistill.Activities.Storage;
using RankDistill.Models.Training;

namespace RankDistill.Activities.Pipeline;

/// <summary>
/// Publishes a training stage's progress to <see cref="RunLayout.Progress"/> at most every <see cref="Interval"/>,
/// in the background so an update never waits for the store: the CLI and the dashboard read it to move their bars
/// between checkpoints. Losing a write loses nothing but a moment of a progress bar.
/// </summary>
internal sealed class StageProgressWriter(IArtifactStore store, string runId, string stage, ILogger logger) : IProgress<TrainingProgress>, IAsyncDisposable
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(2);

    private readonly string _name = RunLayout.Progress(runId, stage);
    private Task _pending = Task.CompletedTask;
    private long _lastWrite;

    public void Report(TrainingProgress value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (!_pending.IsCompleted || (_lastWrite != 0 && Stopwatch.GetElapsedTime(_lastWrite) < Interval))
            return;
        _lastWrite = Stopwatch.GetTimestamp();
        var json = JsonSerializer.SerializeToUtf8Bytes(new StageProgress(stage, value.Step, value.TotalSteps, value.Loss, value.LastCheckpointStep), JsonSerializerOptions.Web);
        _pending = WriteAsync(json);
    }

    public async ValueTask DisposeAsync() => await _pending;

    private async Task WriteAsync(byte[] json)
    {
        try
        {
            await store.WriteAsync(_name, json);
        }
        catch (Exception e) when (e is IOException or Azure.RequestFailedException or UnauthorizedAccessException)
        {
            Logs.ProgressNotWritten(logger, stage, runId, e.Message);
        }
    }
}
