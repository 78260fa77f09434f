using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using DurableTask.Core;
using Microsoft.DurableTask;
using RankDistill.Workflows.Dashboard.Api;
using RankDistill.Workflows.Hosting;

namespace RankDistill.Workflows.Dashboard;

/// <summary>
/// Keeps secrets out of every page and API response. Two nets: the secret values of the host's own configuration
/// (every setting <see cref="SecretRedactor.IsSecret"/> names, and the secret parts of connection strings) are
/// replaced wherever they appear; and anything shaped like a credential (<c>AccountKey=</c>, <c>Password=</c>,
/// <c>SharedAccessSignature=</c>, a SAS <c>sig=</c>) is masked even when the host does not know the value.
/// Applied to inputs, outputs, custom status, failures and history payloads before they leave.
/// </summary>
public sealed partial class SecretScrubber
{
    // Shorter values are too likely to occur by chance (and a 3-character secret protects nothing anyway).
    private const int MinSecretLength = 6;

    private readonly string[] _secrets;

    public SecretScrubber(IEnumerable<string> secrets)
    {
        ArgumentNullException.ThrowIfNull(secrets);
        _secrets = [.. secrets.Where(s => s.Length >= MinSecretLength).Distinct(StringComparer.Ordinal).OrderByDescending(s => s.Length)];
    }

    /// <summary>Collects the secret values of <paramref name="configuration"/>.</summary>
    public static SecretScrubber FromConfiguration(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var secrets = new List<string>();
        foreach (var (key, value) in configuration.AsEnumerable())
        {
            if (string.IsNullOrWhiteSpace(value) || !SecretRedactor.IsSecret(key))
                continue;
            secrets.Add(value.Trim());
            if (key.EndsWith("ConnectionString", StringComparison.OrdinalIgnoreCase))
                secrets.AddRange(SecretParts(value));
        }
        return new SecretScrubber(secrets);
    }

    /// <summary><paramref name="text"/> with every known secret and credential-shaped part masked.</summary>
    public string Scrub(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        foreach (var secret in _secrets)
        {
            if (text.Contains(secret, StringComparison.Ordinal))
                text = text.Replace(secret, SecretRedactor.Mask, StringComparison.Ordinal);
        }
        return CredentialPattern().Replace(text, m => $"{m.Groups["name"].Value}={SecretRedactor.Mask}");
    }

    public string? ScrubOrNull(string? text) => text is null ? null : Scrub(text);

    /// <summary>Parses <paramref name="json"/> and scrubs every string in it (property names included); text that is not JSON comes back as a scrubbed string.</summary>
    public JsonNode? ParseAndScrub(string? json)
    {
        if (json is null)
            return null;
        JsonNode? node;
        try
        {
            node = JsonNode.Parse(json);
        }
        catch (System.Text.Json.JsonException)
        {
            return JsonValue.Create(Scrub(json));
        }
        return Scrub(node);
    }

    /// <summary>A scrubbed copy of <paramref name="node"/>.</summary>
    public JsonNode? Scrub(JsonNode? node) => node switch
    {
        null => null,
        JsonObject o => new JsonObject(o.Select(p => KeyValuePair.Create(Scrub(p.Key), Scrub(p.Value)))),
        JsonArray a => new JsonArray([.. a.Select(Scrub)]),
        JsonValue v when v.TryGetValue<string>(out var s) => JsonValue.Create(Scrub(s)),
        _ => node.DeepClone(),
    };

    /// <summary>A failure recorded in a history event (an activity's, a sub-orchestration's) as the API shows it.</summary>
    public FailureInfo? Failure(FailureDetails? failure) => failure is null
        ? null
        : new FailureInfo(failure.ErrorType, Scrub(failure.ErrorMessage), ScrubOrNull(failure.StackTrace), Failure(failure.InnerFailure));

    /// <summary>An instance's failure, as the client reports it, as the API shows it.</summary>
    public FailureInfo? Failure(TaskFailureDetails? failure) => failure is null
        ? null
        : new FailureInfo(failure.ErrorType, Scrub(failure.ErrorMessage), ScrubOrNull(failure.StackTrace), Failure(failure.InnerFailure));

    // The values of the parts SecretRedactor would mask: AccountKey, Password, SharedAccessSignature...
    private static IEnumerable<string> SecretParts(string connectionString)
    {
        var redacted = SecretRedactor.RedactConnectionString(connectionString).Split(';');
        var parts = connectionString.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        for (var i = 0; i < parts.Length && i < redacted.Length; i++)
        {
            var equals = parts[i].IndexOf('=', StringComparison.Ordinal);
            if (equals > 0 && redacted[i].EndsWith(SecretRedactor.Mask, StringComparison.Ordinal))
                yield return parts[i][(equals + 1)..];
        }
    }

    // A SAS in a connection string runs to the next ';' (it holds '&'); other values end at '&' too (URL queries).
    [GeneratedRegex(@"(?<name>SharedAccessSignature)=(?!\*\*\*)[^;\s""']+|(?<name>AccountKey|Password|Pwd|SharedAccessKey|AccessKey|ApiKey|sig)=(?!\*\*\*)[^;&\s""']+",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex CredentialPattern();
}
