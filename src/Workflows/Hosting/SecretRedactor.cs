using System.Data.Common;
using System.Globalization;
using System.Text.RegularExpressions;

namespace RankDistill.Workflows.Hosting;

/// <summary>
/// Keeps secrets out of output and messages. A setting is secret when its last key segment ends with
/// ConnectionString, Key, Secret, Password, Token or Sas. Connection strings keep their non-secret parts (account,
/// endpoints, host, database) so a person can still tell which store or database is meant; every other part,
/// and every other secret value, is shown as <c>***</c>. URLs lose their user-info and query string (where SAS tokens live).
/// </summary>
public static class SecretRedactor
{
    public const string Mask = "***";

    private static readonly string[] _secretSuffixes = ["ConnectionString", "Key", "Secret", "Password", "Token", "Sas"];

    // Only these parts of a connection string are shown; an unknown part is assumed secret.
    private static readonly HashSet<string> _publicParts = new(StringComparer.OrdinalIgnoreCase)
    {
        "DefaultEndpointsProtocol", "AccountName", "EndpointSuffix", "UseDevelopmentStorage", "DevelopmentStorageProxyUri",
        "BlobEndpoint", "QueueEndpoint", "TableEndpoint", "FileEndpoint",
        "Host", "Server", "Port", "Database", "Username", "User ID", "SSL Mode", "Timeout", "Pooling",
    };

    public static bool IsSecret(string key)
    {
        var last = key[(key.LastIndexOf(':') + 1)..];
        return _secretSuffixes.Any(s => last.EndsWith(s, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary><paramref name="value"/> as it may be shown for <paramref name="key"/>.</summary>
    public static string? Redact(string key, string? value)
    {
        if (string.IsNullOrEmpty(value))
            return value;
        if (key.EndsWith("ConnectionString", StringComparison.OrdinalIgnoreCase))
            return RedactConnectionString(value);
        if (IsSecret(key))
            return Mask;
        return Uri.TryCreate(value, UriKind.Absolute, out var uri) ? Redact(uri, value) : value;
    }

    /// <summary>A <c>name=value;...</c> string with every part but the public ones masked; one that does not parse, masked whole.</summary>
    public static string RedactConnectionString(string value)
    {
        if (Parse(value) is not { } parts)
            return Mask;
        return string.Join(';', parts.Select(part => _publicParts.Contains(part.Name)
            ? $"{part.Name}={(Uri.TryCreate(part.Value, UriKind.Absolute, out var uri) ? Redact(uri, part.Value) : part.Value)}"
            : $"{part.Name}={Mask}"));
    }

    /// <summary>The values of the parts <see cref="RedactConnectionString"/> masks (AccountKey, Password, ...).</summary>
    public static IEnumerable<string> SecretParts(string connectionString) =>
        Parse(connectionString)?.Where(p => !_publicParts.Contains(p.Name)).Select(p => p.Value) ?? [];

    // Parsed as the drivers parse it: a quoted value may hold ';' and '=' (Password="pa;Database=x"), a later
    // duplicate wins.
    private static List<(string Name, string Value)>? Parse(string connectionString)
    {
        var builder = new DbConnectionStringBuilder();
        try
        {
            builder.ConnectionString = connectionString;
        }
        catch (ArgumentException)
        {
            return null;
        }
        return [.. builder.Keys.Cast<string>().Select(k => (Spelling(connectionString, k), Convert.ToString(builder[k], CultureInfo.InvariantCulture) ?? ""))];
    }

    // The builder lower-cases names; show each as it was written (AccountKey, not accountkey).
    private static string Spelling(string connectionString, string name) =>
        Regex.Match(connectionString, $@"(?:^|;)\s*({Regex.Escape(name)})\s*=", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant) is { Success: true } m
            ? m.Groups[1].Value
            : name;

    // User-info (https://user:password@host) and the query (a SAS) are credentials; the rest names the endpoint.
    private static string Redact(Uri uri, string text) =>
        uri.UserInfo.Length == 0 && uri.Query.Length <= 1
            ? text
            : new UriBuilder(uri) { UserName = "", Password = "", Query = "" }.Uri + (uri.Query.Length > 1 ? "?" + Mask : "");
}
