using System.Reflection;
using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.DurableTask;
using RankDistill.Activities.Pipeline;
using RankDistill.Activities.Storage;
using RankDistill.TaskHub.Worker;

namespace RankDistill.Workflows.Orchestrations;

/// <summary>
/// Writes a run's <see cref="RunManifest"/> (orchestrations do no I/O), stamped with the code version. Idempotent: it
/// replaces the whole file, so a retry or a replayed call leaves the same manifest.
/// </summary>
public sealed class WriteRunManifest(IArtifactStore store, ActivityCancellation cancellation) : TaskActivity<RunManifest, string>
{
    // Relaxed escaping: the manifest is read by people and tools, never embedded in HTML, so '+' and '"' stay as they are.
    private static readonly JsonSerializerOptions _json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>The informational version of the host (<c>version+git-sha</c> when the SDK found the commit).</summary>
    public static string CodeVersion { get; } =
        typeof(WriteRunManifest).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
        ?? typeof(WriteRunManifest).Assembly.GetName().Version?.ToString()
        ?? "unknown";

    public override async Task<string> RunAsync(TaskActivityContext context, RunManifest input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        return await WriteAsync(store, input with { CodeVersion = CodeVersion }, cancellation.Token);
    }

    /// <summary>Writes <paramref name="manifest"/> as it is (stamped or not) to the run's manifest name; returns that name.</summary>
    internal static async Task<string> WriteAsync(IArtifactStore store, RunManifest manifest, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(manifest);
        var name = RunLayout.Manifest(manifest.RunId);
        await store.WriteAsync(name, JsonSerializer.SerializeToUtf8Bytes(manifest, _json), cancellationToken);
        return name;
    }

    /// <summary>Reads a run's manifest back, or null when the run has none yet.</summary>
    public static async Task<RunManifest?> ReadAsync(IArtifactStore store, string runId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        var name = RunLayout.Manifest(runId);
        if (!await store.ExistsAsync(name, cancellationToken))
            return null;
        return JsonSerializer.Deserialize<RunManifest>(await store.ReadAllBytesAsync(name, cancellationToken: cancellationToken), _json);
    }
}
