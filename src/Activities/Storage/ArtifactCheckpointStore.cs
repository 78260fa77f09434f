using System.Globalization;
using RankDistill.Models.Training;

namespace RankDistill.Activities.Storage;

/// <summary>
/// The trainer's <see cref="ICheckpointStore"/> on an artifact store: the checkpoint of step 123 is the set
/// <c>&lt;prefix&gt;/step-000000123</c> (see <see cref="ArtifactSets"/>), e.g. under
/// <c>runs/&lt;run-id&gt;/checkpoints/&lt;stage&gt;</c>. Nine digits keep the folders in step order when listed;
/// larger steps still work. This store owns the <c>step-*</c> folders under its prefix.
/// </summary>
public sealed class ArtifactCheckpointStore : ICheckpointStore
{
    private const string StepFolderPrefix = "step-";
    private readonly IArtifactStore _store;
    private readonly string _prefix;

    public ArtifactCheckpointStore(IArtifactStore store, string prefix)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(prefix);
        _prefix = prefix.TrimEnd('/');
        ArtifactName.Validate(_prefix);
        _store = store;
    }

    /// <summary>The set prefix of a step's checkpoint.</summary>
    public string PrefixOf(long step)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(step);
        return $"{_prefix}/{StepFolderPrefix}{step.ToString("D9", CultureInfo.InvariantCulture)}";
    }

    public async Task<IReadOnlyList<long>> ListStepsAsync(CancellationToken cancellationToken)
    {
        var steps = new SortedSet<long>();
        var start = $"{_prefix}/{StepFolderPrefix}";
        var end = $"/{ArtifactSetManifest.FileName}";
        await foreach (var artifact in _store.ListAsync(start, cancellationToken))
        {
            var name = artifact.Name;
            if (!name.EndsWith(end, StringComparison.Ordinal))
                continue;
            var digits = name.AsSpan(start.Length, name.Length - start.Length - end.Length);
            if (digits.Length > 0 && IsDigits(digits)
                && long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var step))
            {
                steps.Add(step);
            }
        }
        return [.. steps];
    }

    public Task SaveAsync(long step, string localDirectory, CancellationToken cancellationToken) =>
        _store.PublishFolderAsync(PrefixOf(step), localDirectory, cancellationToken);

    public async Task LoadAsync(long step, string localDirectory, CancellationToken cancellationToken)
    {
        var prefix = PrefixOf(step);
        try
        {
            var set = await _store.GetSetAsync(prefix, cancellationToken);
            await set.DownloadAsync(localDirectory, cancellationToken);
        }
        catch (ArtifactNotFoundException e) when (e.ArtifactName?.EndsWith(ArtifactSetManifest.FileName, StringComparison.Ordinal) == true)
        {
            throw new CorruptCheckpointException($"No checkpoint of step {step}: its manifest {e.ArtifactName} is missing ({_store.Description}).", e);
        }
        catch (CorruptArtifactException e)
        {
            throw new CorruptCheckpointException($"Checkpoint of step {step} is corrupt: {e.Message}", e);
        }
    }

    public async Task DeleteAsync(long step, CancellationToken cancellationToken)
    {
        var prefix = PrefixOf(step);
        await _store.DeleteSetAsync(prefix, cancellationToken);
        // Files of a save that crashed before its manifest are not listed anywhere; this folder is ours, so clear it.
        foreach (var leftover in await _store.ListAsync(prefix + "/", cancellationToken).ToListAsync(cancellationToken))
            await _store.DeleteAsync(leftover.Name, cancellationToken);
    }

    private static bool IsDigits(ReadOnlySpan<char> text)
    {
        foreach (var c in text)
        {
            if (!char.IsAsciiDigit(c))
                return false;
        }
        return true;
    }
}
