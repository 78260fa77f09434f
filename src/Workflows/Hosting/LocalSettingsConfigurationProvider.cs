using System.Globalization;
using System.Text.Json;

namespace RankDistill.Workflows.Hosting;

/// <summary>
/// Reads Azure Functions' <c>local.settings.json</c>:
/// <code>{"IsEncrypted": false, "Values": {"Storage__Kind": "Blob", "Torch:Device": "cpu"}, "ConnectionStrings": {...}}</code>
/// Keys of <c>Values</c> name sections with <c>__</c> (as environment variables do) or <c>:</c>; both become
/// <c>Storage:Kind</c>. <c>ConnectionStrings</c> entries become <c>ConnectionStrings:&lt;name&gt;</c>, as in Functions.
/// A value that is empty counts as not set, so the file can list every setting and leave defaults in force.
/// <c>IsEncrypted: true</c> (what <c>func settings encrypt</c> writes) is refused: those values are unreadable here.
/// </summary>
public sealed class LocalSettingsConfigurationProvider(LocalSettingsConfigurationSource source) : FileConfigurationProvider(source)
{
    public override void Load(Stream stream)
    {
        var path = Source.Path ?? "local.settings.json";
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(stream, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException e)
        {
            throw new FormatException($"{path} is not valid JSON: {e.Message}", e);
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
                throw new FormatException($"{path} must hold a JSON object like {{\"IsEncrypted\": false, \"Values\": {{...}}}}.");
            var data = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
            foreach (var property in root.EnumerateObject())
            {
                switch (property.Name.ToUpperInvariant())
                {
                    case "ISENCRYPTED":
                        if (property.Value.ValueKind == JsonValueKind.True)
                        {
                            throw new FormatException(
                                $"{path} has IsEncrypted: true; encrypted settings are not supported. Decrypt them (func settings decrypt) "
                                + "or put secrets in environment variables.");
                        }
                        break;
                    case "VALUES":
                        AddSection(data, path, property, prefix: "");
                        break;
                    case "CONNECTIONSTRINGS":
                        AddSection(data, path, property, prefix: "ConnectionStrings:");
                        break;
                    default:
                        // Functions' own sections ("Host": ports, CORS) mean nothing to this host.
                        break;
                }
            }
            Data = data;
        }
    }

    private static void AddSection(Dictionary<string, string?> data, string path, JsonProperty section, string prefix)
    {
        if (section.Value.ValueKind != JsonValueKind.Object)
            throw new FormatException($"{path}: \"{section.Name}\" must be an object of \"name\": \"value\" pairs.");
        foreach (var entry in section.Value.EnumerateObject())
        {
            var key = prefix + entry.Name.Replace("__", ConfigurationPath.KeyDelimiter, StringComparison.Ordinal);
            var value = entry.Value.ValueKind switch
            {
                JsonValueKind.String => entry.Value.GetString(),
                JsonValueKind.Number => entry.Value.GetRawText(),
                JsonValueKind.True or JsonValueKind.False => entry.Value.GetBoolean().ToString(CultureInfo.InvariantCulture),
                JsonValueKind.Null => null,
                _ => throw new FormatException(
                    $"{path}: \"{section.Name}\".\"{entry.Name}\" is {entry.Value.ValueKind.ToString().ToLowerInvariant()}; "
                    + "values are strings (name sections with __ or :, e.g. \"Storage__Kind\")."),
            };
            if (!string.IsNullOrEmpty(value))
                data[key] = value;
        }
    }
}
