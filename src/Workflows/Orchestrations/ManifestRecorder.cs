using Microsoft.DurableTask;

namespace RankDistill.Workflows.Orchestrations;

/// <summary>
/// Runs a pipeline step the same way each time, inside the orchestration: status first, then the call, then the step
/// added to the manifest and the manifest written. Deterministic (orchestration time only), so it replays.
/// </summary>
internal sealed class ManifestRecorder(TaskOrchestrationContext context, RunManifest manifest)
{
    private RunManifest _manifest = manifest;

    public async Task<T> StepAsync<T>(
        string stage,
        string task,
        string detail,
        Func<Task<T>> call,
        Func<T, IReadOnlyDictionary<string, string>> outputs,
        Func<T, IReadOnlyDictionary<string, double>> metrics,
        Func<RunManifest, T, RunManifest>? amend = null)
    {
        context.SetCustomStatus(new PipelineStatus(stage, PipelineSteps.ProgressAt(stage), detail));
        var started = context.CurrentUtcDateTime;
        var result = await call();
        var step = new ManifestStep(stage, task, started, context.CurrentUtcDateTime, outputs(result), metrics(result));
        _manifest = _manifest with { Steps = [.. _manifest.Steps, step] };
        if (amend is not null)
            _manifest = amend(_manifest, result);
        await WriteAsync();
        return result;
    }

    /// <summary>Changes the manifest without writing it: the next step's write carries the change (or the failure's).</summary>
    public void Amend(Func<RunManifest, RunManifest> change) => _manifest = change(_manifest);

    public Task FinishAsync(Func<RunManifest, RunManifest> finish)
    {
        _manifest = finish(_manifest) with { CompletedAt = context.CurrentUtcDateTime };
        return WriteAsync();
    }

    private Task WriteAsync() => context.CallWriteRunManifestAsync(_manifest);
}
