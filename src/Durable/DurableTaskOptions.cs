using System.Text.Json;

namespace RankDistill.Durable;

/// <summary>Settings shared by the client and the worker.</summary>
public sealed class DurableTaskOptions
{
    /// <summary>
    /// Largest serialized input, output, event or custom status, in bytes. 256 KiB keeps the
    /// history of a week-long pipeline small enough to replay in milliseconds; pass artifact
    /// URIs, not data.
    /// </summary>
    public int MaxPayloadBytes { get; set; } = 256 * 1024;

    /// <summary>JSON settings for payloads; web defaults (camelCase) when null.</summary>
    public JsonSerializerOptions? SerializerOptions { get; set; }
}
