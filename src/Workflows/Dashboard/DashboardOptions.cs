using Microsoft.Extensions.Options;
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
    public IReadOnlyList<string> Urls { get; private set; } = [DefaultUrl];

    /// <summary>Required on every API request when set: header <c>X-Api-Key</c> or <c>Authorization: Bearer</c>. Secret.</summary>
    public string? ApiKey { get; private set; }

    /// <summary>True when some URL is not a loopback address (or a host name other than localhost).</summary>
    public bool IsExposed => Urls.Any(u => !BindingAddresses.IsLoopback(u));

    public bool RequiresApiKey => ApiKey is not null;

    /// <summary>
    /// The section through its options registration, checked against <paramref name="urls"/> (from <c>--urls</c>; else
    /// <c>Dashboard:Urls</c>, separated by <c>;</c>; else <see cref="DefaultUrl"/>).
    /// </summary>
    /// <exception cref="InvalidSettingsException">A key is unknown, a URL cannot be parsed, the key is too short, or the host is exposed without a key.</exception>
    public static DashboardOptions Read(IConfiguration configuration, IReadOnlyList<string>? urls = null)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var services = new ServiceCollection();
        services.AddSingleton(_ => new SettingsSection<Configured>(configuration, Section));
        services.AddSingleton<IValidateOptions<DashboardOptions>, DashboardOptionsValidator>();
        services.AddOptions<DashboardOptions>().Configure<SettingsSection<Configured>>((options, section) =>
        {
            var configured = section.Bind(new Configured());
            var listed = configured.Urls?.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            options.Urls = urls is { Count: > 0 } ? urls : listed is { Length: > 0 } ? listed : [DefaultUrl];
            options.ApiKey = configured.ApiKey;
        });
        using var provider = services.BuildServiceProvider();
        try
        {
            return provider.GetRequiredService<IOptions<DashboardOptions>>().Value;
        }
        catch (OptionsValidationException e)
        {
            throw new InvalidSettingsException([.. e.Failures]);
        }
    }

    internal IEnumerable<(string Key, string? Value)> Describe() =>
        [("Dashboard:Urls", string.Join(';', Urls)), ("Dashboard:ApiKey", SecretRedactor.Redact("Dashboard:ApiKey", ApiKey))];

    /// <summary>The section's keys as configuration gives them: the URLs in one value, separated by <c>;</c>.</summary>
    internal sealed class Configured
    {
        public string? Urls { get; set; }

        public string? ApiKey { get; set; }
    }
}

/// <summary>The rules of section <c>Dashboard</c>.</summary>
internal sealed class DashboardOptionsValidator(SettingsSection<DashboardOptions.Configured> section) : IValidateOptions<DashboardOptions>
{
    public ValidateOptionsResult Validate(string? name, DashboardOptions options)
    {
        var problems = section.Check();
        foreach (var url in options.Urls.Where(u => !BindingAddresses.IsValid(u)))
            problems.Invalid("Dashboard:Urls", url, "an http URL to listen on, like http://127.0.0.1:5080 or http://0.0.0.0:5080");
        if (options.ApiKey is { Length: < DashboardOptions.MinApiKeyLength })
            problems.Invalid("Dashboard:ApiKey", options.ApiKey, $"a random key of at least {DashboardOptions.MinApiKeyLength} characters");
        if (options.ApiKey is null && options.IsExposed && problems.All.Count == 0)
        {
            var exposed = string.Join(", ", options.Urls.Where(u => !BindingAddresses.IsLoopback(u)));
            problems.Fail($"Dashboard:ApiKey is required when the dashboard listens on a non-loopback address ({exposed}); "
                + $"set it (e.g. environment variable Dashboard__ApiKey, at least {DashboardOptions.MinApiKeyLength} random characters) or listen on {DashboardOptions.DefaultUrl}");
        }
        return problems.Result();
    }
}
