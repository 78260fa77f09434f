namespace RankDistill.Models.Checkpoints;

/// <summary>
/// The one table between Hugging Face tensor names and our parameters for one architecture, used both to
/// load and to save. Names a checkpoint may carry but we deliberately skip (a tied LM head, a saved
/// position-id buffer) are listed as ignored rather than reported as unexpected.
/// </summary>
public sealed class WeightMap
{
    private readonly Dictionary<string, WeightBinding> _byName;
    private readonly HashSet<string> _ignored;
    private readonly Func<string, string> _canonical;

    /// <param name="bindings">Every tensor we save, in save order.</param>
    /// <param name="basePrefix">Prefix of the base model ("model.", "bert."); a checkpoint of the bare base model lacks it.</param>
    /// <param name="ignored">Checkpoint names that are skipped on load without complaint.</param>
    /// <param name="rename">Legacy spellings to current ones (BERT's LayerNorm gamma/beta), applied before lookup.</param>
    public WeightMap(IEnumerable<WeightBinding> bindings, string basePrefix, IEnumerable<string>? ignored = null, Func<string, string>? rename = null)
    {
        Bindings = bindings.ToList();
        _byName = Bindings.ToDictionary(b => b.CheckpointName, StringComparer.Ordinal);
        _ignored = new HashSet<string>(ignored ?? [], StringComparer.Ordinal);
        BasePrefix = basePrefix;
        _canonical = rename ?? (n => n);
    }

    public IReadOnlyList<WeightBinding> Bindings { get; }

    public string BasePrefix { get; }

    /// <summary>The binding for a checkpoint name, trying the legacy spelling and the missing base prefix.</summary>
    public bool TryResolve(string checkpointName, out WeightBinding binding)
    {
        var name = _canonical(checkpointName);
        if (_byName.TryGetValue(name, out binding!))
            return true;
        return _byName.TryGetValue(BasePrefix + name, out binding!);
    }

    public bool IsIgnored(string checkpointName)
    {
        var name = _canonical(checkpointName);
        return _ignored.Contains(name) || _ignored.Contains(BasePrefix + name);
    }
}
