namespace RankDistill.Workflows.Hosting;

/// <summary>
/// Keeps secrets out of output and messages. A setting is secret when its last key segment ends with
/// ConnectionString, Key, Secret, Password, Token or Sas. Connection strings keep their non-secret parts (account,
/// endpoints, host, database) so a person can still tell which store or database is meant; every other part,
/// and every other secret value, is shown as <c>***</c>. URLs lose their query string (where SAS tokens live).
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
        return Uri.TryCreate(value, UriKind.Absolute, out var uri) && uri.Query.Length > 1 ? WithoutQuery(uri) : value;
    }

    /// <summary>A <c>name=value;...</c> string with every part but the public ones masked.</summary>
    public static string RedactConnectionString(string value)
    {
        var parts = value.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return string.Join(';', parts.Select(part =>
        {
            var equals = part.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
                return Mask;
            var name = part[..equals].Trim();
            var text = part[(equals + 1)..];
            if (!_publicParts.Contains(name))
                return $"{name}={Mask}";
            return Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Query.Length > 1 ? $"{name}={WithoutQuery(uri)}" : $"{name}={text}";
        }));
    }

    private static string WithoutQuery(Uri uri) => new UriBuilder(uri) { Query = "" }.Uri + "?" + Mask;
}
