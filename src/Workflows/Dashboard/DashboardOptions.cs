using RankDistill.Workflows.Hosting;

namespace RankDistill.Workflows.Dashboard;

/// <summary>
/// Section <c>Dashboard</c>. Bound to loopback addresses only (the default, <see cref="DefaultUrl"/>) the dashboard
/// is open to local users; bound to any other address it requires <c>Dashboard:ApiKey</c> on every API request, and
/// the host refuses to start without one. A key, once set, is required in loopback mode too.
/// </summary>
public sealed class DashboardOptions
{
    public const string Section = "Dashboard";
    public const string DefaultUrl = "http://127.0.0.1:5080";

    /// <summary>A guessable key is no key: 16 characters is the least we accept (e.g. <c>openssl rand -hex 24</c>).</summary>
    public const int MinApiKeyLength = 16;

    /// <summary>The addresses Kestrel listens on, e.g. <c>http://127.0.0.1:5080</c>.</summary>
    public IReadOnlyList<string> Urls { get; init; } = [DefaultUrl];

    /// <summary>Required on every API request when set: header <c>X-Api-Key</c> or <c>Authorization: Bearer</c>. Secret.</summary>
    public string? ApiKey { get; init; }

    /// <summary>True when some URL is not a loopback address (or a host name other than localhost).</summary>
    public bool IsExposed => Urls.Any(u => !BindingAddresses.IsLoopback(u));

    public bool RequiresApiKey => ApiKey is not null;

    /// <summary>
    /// Reads the section and checks it against <paramref name="urls"/> (from <c>--urls</c>; else <c>Dashboard:Urls</c>,
    /// separated by <c>;</c>; else <see cref="DefaultUrl"/>).
    /// </summary>
    /// <exception cref="InvalidSettingsException">A URL cannot be parsed, the key is too short, or the host is exposed without a key.</exception>
    public static DashboardOptions Read(IConfiguration configuration, IReadOnlyList<string>? urls = null, string? workingDirectory = null)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var reader = new SettingReader(configuration, workingDirectory ?? Directory.GetCurrentDirectory());
        var configured = reader.Text("Dashboard:Urls")?.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var options = new DashboardOptions
        {
            Urls = urls is { Count: > 0 } ? urls : configured is { Length: > 0 } ? configured : [DefaultUrl],
            ApiKey = reader.Text("Dashboard:ApiKey"),
        };
        foreach (var url in options.Urls.Where(u => !BindingAddresses.IsValid(u)))
            reader.Invalid("Dashboard:Urls", url, "an http URL to listen on, like http://127.0.0.1:5080 or http://0.0.0.0:5080");
        if (options.ApiKey is { Length: < MinApiKeyLength })
            reader.Invalid("Dashboard:ApiKey", options.ApiKey, $"a random key of at least {MinApiKeyLength} characters");
        if (options.ApiKey is null && options.IsExposed && reader.Errors.Count == 0)
        {
            var exposed = string.Join(", ", options.Urls.Where(u => !BindingAddresses.IsLoopback(u)));
            reader.Fail($"Dashboard:ApiKey is required when the dashboard listens on a non-loopback address ({exposed}); "
                + $"set it (e.g. environment variable Dashboard__ApiKey, at least {MinApiKeyLength} random characters) or listen on {DefaultUrl}");
        }
        if (reader.Errors.Count > 0)
            throw new InvalidSettingsException(reader.Errors);
        return options;
    }

    internal IEnumerable<(string Key, string? Value)> Describe() =>
        [("Dashboard:Urls", string.Join(';', Urls)), ("Dashboard:ApiKey", SecretRedactor.Redact("Dashboard:ApiKey", ApiKey))];
}
