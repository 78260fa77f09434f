using System.Globalization;

namespace RankDistill.Workflows.Hosting;

/// <summary>
/// Reads typed settings and collects every bad one, each as
/// <c>Storage:Kind = 'Blobb' (from environment variable Storage__Kind) is not valid; expected one of: Local, Blob</c>.
/// Binding and checking happen together so that a value that cannot even be converted gets the same kind of message
/// as one that breaks a rule (ConfigurationBinder's conversion errors do not say what is accepted).
/// </summary>
public sealed class SettingReader(IConfiguration configuration, string workingDirectory)
{
    private readonly List<string> _errors = [];
    private readonly HashSet<string> _read = new(StringComparer.OrdinalIgnoreCase);

    public IReadOnlyList<string> Errors => _errors;

    /// <summary>The trimmed value, or null when the setting is missing or empty.</summary>
    public string? Text(string key)
    {
        _read.Add(key);
        return configuration[key] is { } value && value.Trim() is { Length: > 0 } trimmed ? trimmed : null;
    }

    /// <summary>
    /// Refuses, by name, every setting in <paramref name="sections"/> that nothing read: a misspelt key, or one this
    /// configuration has no use for (an account URL with the local store), would otherwise be accepted and ignored.
    /// </summary>
    public void RefuseUnread(params string[] sections)
    {
        foreach (var section in sections)
        {
            foreach (var (key, value) in configuration.GetSection(section).AsEnumerable())
            {
                if (value is not null && !_read.Contains(key))
                    _errors.Add($"{key} ({From(key)}) is not a setting this host uses; `config` lists the ones it does");
            }
        }
    }

    /// <summary>One of the names of <typeparamref name="T"/>, in any letter case.</summary>
    public T Choice<T>(string key, T fallback) where T : struct, Enum
    {
        if (Text(key) is not { } value)
            return fallback;
        var name = Enum.GetNames<T>().FirstOrDefault(n => n.Equals(value, StringComparison.OrdinalIgnoreCase));
        if (name is not null)
            return Enum.Parse<T>(name);
        Invalid(key, value, "one of: " + string.Join(", ", Enum.GetNames<T>()));
        return fallback;
    }

    public int Integer(string key, int fallback, int min, int max)
    {
        if (Text(key) is not { } value)
            return fallback;
        if (int.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number) && number >= min && number <= max)
            return number;
        Invalid(key, value, $"a whole number from {min} to {max}");
        return fallback;
    }

    /// <summary>A decimal number in [<paramref name="min"/>, <paramref name="max"/>], invariant culture (<c>3e-4</c>, <c>0.95</c>).</summary>
    public double Number(string key, double fallback, double min, double max)
    {
        if (Text(key) is not { } value)
            return fallback;
        if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && number >= min && number <= max)
            return number;
        Invalid(key, value, $"a number from {min.ToString(CultureInfo.InvariantCulture)} to {max.ToString(CultureInfo.InvariantCulture)}");
        return fallback;
    }

    /// <summary><c>true</c> or <c>false</c>, in any letter case.</summary>
    public bool Boolean(string key, bool fallback)
    {
        if (Text(key) is not { } value)
            return fallback;
        if (bool.TryParse(value, out var flag))
            return flag;
        Invalid(key, value, "true or false");
        return fallback;
    }

    /// <summary>A duration as <c>hh:mm:ss[.fff]</c>, or a number with a unit: <c>500ms</c>, <c>2s</c>, <c>5m</c>, <c>1h</c>.</summary>
    public TimeSpan Duration(string key, TimeSpan fallback, TimeSpan min, TimeSpan max)
    {
        if (Text(key) is not { } value)
            return fallback;
        if (TryParseDuration(value, out var duration) && duration >= min && duration <= max)
            return duration;
        Invalid(key, value, $"a duration from {Show(min)} to {Show(max)}, like 00:00:02, 2s or 500ms");
        return fallback;
    }

    /// <summary>A path, relative ones resolved against the working directory; <paramref name="fallback"/> when unset.</summary>
    public string FullPath(string key, string fallback)
    {
        var value = Text(key) ?? fallback;
        if (value.IndexOfAny(['\0']) < 0)
            return Path.GetFullPath(value, workingDirectory);
        Invalid(key, value, "a file system path");
        return Path.GetFullPath(fallback, workingDirectory);
    }

    /// <summary>An absolute http(s) URL, or null when unset.</summary>
    public Uri? Url(string key, string example)
    {
        if (Text(key) is not { } value)
            return null;
        if (Uri.TryCreate(value, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp))
            return uri;
        Invalid(key, value, $"an absolute URL like {example}");
        return null;
    }

    /// <summary>Records that <paramref name="key"/>'s value is not one it accepts.</summary>
    public void Invalid(string key, string? value, string expected) =>
        _errors.Add($"{key} = '{SecretRedactor.Redact(key, value)}' ({From(key)}) is not valid; expected {expected}");

    /// <summary>Records a rule that spans settings, e.g. one that needs another.</summary>
    public void Fail(string message) => _errors.Add(message);

    private string From(string key) => SettingSources.Describe(configuration, key) is var source && source == SettingSources.Default
        ? "default"
        : $"from {SettingSources.Describe(configuration, key)}";

    private static bool TryParseDuration(string value, out TimeSpan duration)
    {
        if (TimeSpan.TryParse(value, CultureInfo.InvariantCulture, out duration))
            return true;
        (string Suffix, double Scale)[] units = [("ms", 1e-3), ("s", 1), ("m", 60), ("h", 3600)];
        foreach (var (suffix, scale) in units)
        {
            if (value.EndsWith(suffix, StringComparison.OrdinalIgnoreCase)
                && double.TryParse(value[..^suffix.Length], NumberStyles.Float, CultureInfo.InvariantCulture, out var number)
                && double.IsFinite(number) && Math.Abs(number * scale) < TimeSpan.MaxValue.TotalSeconds)
            {
                duration = TimeSpan.FromSeconds(number * scale);
                return true;
            }
        }
        return false;
    }

    private static string Show(TimeSpan span) => span.ToString("c", CultureInfo.InvariantCulture);
}
