using System.Text.Encodings.Web;
using System.Text.Json;
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
/// Applied to inputs, outputs, custom status, failures and history payloads before they leave. Payloads are JSON
/// nested in JSON strings (a history event's input is a string holding the serialized input), where a secret's
/// <c>+</c> reads <c>\u002B</c>: nested JSON is parsed and scrubbed in turn, and each secret is matched in its
/// JSON-escaped forms too.
/// </summary>
public sealed partial class SecretScrubber
{
    // Shorter values are too likely to occur by chance (and a 3-character secret protects nothing anyway).
    private const int MinSecretLength = 6;

    private static readonly JsonSerializerOptions[] _escapings =
        [new() { Encoder = JavaScriptEncoder.Default }, new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }];

    private readonly string[] _secrets;

    public SecretScrubber(IEnumerable<string> secrets)
    {
        ArgumentNullException.ThrowIfNull(secrets);
        _secrets = [.. secrets.Where(s => s.Length >= MinSecretLength).SelectMany(EscapedForms).Distinct(StringComparer.Ordinal).OrderByDescending(s => s.Length)];
    }

    /// <summary>Collects the secret values of <paramref name="configuration"/>.</summary>
    public static SecretScrubber FromConfiguration(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var secrets = new List<string>();
        foreach (var (key, value) in configuration.AsEnumerable())
        {
            if (string.IsNullOrWhiteSpace(value))
                continue;
            // A URL's user-info is a credential whatever the setting is called (Storage:AccountUrl).
            if (Uri.TryCreate(value.Trim(), UriKind.Absolute, out var url) && url.UserInfo.Length > 0)
                secrets.AddRange(url.UserInfo.Split(':').Select(Uri.UnescapeDataString));
            if (!SecretRedactor.IsSecret(key))
                continue;
            secrets.Add(value.Trim());
            if (key.EndsWith("ConnectionString", StringComparison.OrdinalIgnoreCase))
                secrets.AddRange(SecretRedactor.SecretParts(value));
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
        JsonValue v when v.TryGetValue<string>(out var s) => JsonValue.Create(ScrubNested(s)),
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

    // A string that holds JSON (an object, an array or a quoted string) is scrubbed as JSON, so escapes cannot hide a
    // secret; it stays a string, re-serialized.
    private string ScrubNested(string text)
    {
        var trimmed = text.AsSpan().TrimStart();
        if (trimmed.IsEmpty || trimmed[0] is not ('{' or '[' or '"'))
            return Scrub(text);
        try
        {
            return Scrub(JsonNode.Parse(text))?.ToJsonString() ?? Scrub(text);
        }
        catch (JsonException)
        {
            return Scrub(text);
        }
    }

    // The secret as written, and as System.Text.Json (default: \u002B for '+', uppercase hex; or relaxed) and
    // Newtonsoft (only '"' and '\\') escape it inside a JSON string; hex digits in either case.
    private static IEnumerable<string> EscapedForms(string secret)
    {
        yield return secret;
        foreach (var options in _escapings)
        {
            var escaped = JsonSerializer.Serialize(secret, options)[1..^1];
            yield return escaped;
            yield return UnicodeEscape().Replace(escaped, m => m.Value.ToLowerInvariant());
        }
        yield return Newtonsoft.Json.JsonConvert.ToString(secret)[1..^1];
    }

    // A SAS in a connection string runs to the next ';' (it holds '&'); other values end at '&' too (URL queries).
    [GeneratedRegex(@"(?<name>SharedAccessSignature)=(?!\*\*\*)[^;\s""']+|(?<name>AccountKey|Password|Pwd|SharedAccessKey|AccessKey|ApiKey|sig)=(?!\*\*\*)[^;&\s""']+",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex CredentialPattern();

    [GeneratedRegex(@"\\u[0-9A-F]{4}", RegexOptions.CultureInvariant)]
    private static partial Regex UnicodeEscape();
}
