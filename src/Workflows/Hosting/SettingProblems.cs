using Microsoft.Extensions.Options;

namespace RankDistill.Workflows.Hosting;

/// <summary>
/// The bad settings of one section, each named with its value (secrets redacted), where it came from and what it
/// accepts: <c>Storage:Kind = 'Blobb' (from environment variable Storage__Kind) is not valid; expected one of: Local, Blob</c>.
/// </summary>
internal sealed class SettingProblems(IConfiguration configuration, IEnumerable<string> found)
{
    private readonly List<string> _problems = [.. found];

    public IReadOnlyList<string> All => _problems;

    /// <summary>Records that <paramref name="key"/>'s value is not one it accepts.</summary>
    public void Invalid(string key, string? value, string expected) =>
        _problems.Add($"{key} = '{SecretRedactor.Redact(key, value)}' ({From(key)}) is not valid; expected {expected}");

    /// <summary>Records a key that no setting of its section has.</summary>
    public void Unknown(string key) =>
        _problems.Add($"{key} ({From(key)}) is not a setting this host uses; `config` lists the ones it does");

    /// <summary>Records a rule that spans settings, e.g. one that needs another.</summary>
    public void Fail(string message) => _problems.Add(message);

    /// <summary>Records <paramref name="key"/>'s path unless it is one (a NUL character is the one thing no file system takes).</summary>
    public void Path(string key, string path)
    {
        if (path.Contains('\0', StringComparison.Ordinal))
            Invalid(key, path, "a file system path");
    }

    public ValidateOptionsResult Result() => _problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(_problems);

    private string From(string key) => SettingSources.Describe(configuration, key) is var source && source == SettingSources.Default
        ? "default"
        : $"from {source}";
}
