using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;

namespace RankDistill.Durable;

/// <summary>Turns payloads into JSON and back, enforcing the size limit with errors that say which
/// payload and what to do.</summary>
internal sealed class PayloadConverter
{
    private readonly JsonSerializerOptions _json;
    private readonly int _maxBytes;

    public PayloadConverter(IOptions<DurableTaskOptions> options)
        : this(options.Value)
    {
    }

    public PayloadConverter(DurableTaskOptions options)
    {
        _json = options.SerializerOptions ?? new JsonSerializerOptions(JsonSerializerDefaults.Web);
        _maxBytes = options.MaxPayloadBytes;
    }

    public int MaxBytes => _maxBytes;

    /// <summary>Serializes <paramref name="value"/>; null stays null.</summary>
    /// <param name="value">The payload.</param>
    /// <param name="what">Names the payload in errors, e.g. "input of activity 'Train'".</param>
    public string? Serialize(object? value, string what)
    {
        if (value is null)
            return null;
        string json;
        try
        {
            json = JsonSerializer.Serialize(value, value.GetType(), _json);
        }
        catch (Exception e) when (e is NotSupportedException or JsonException or InvalidOperationException)
        {
            throw new PayloadSerializationException(
                $"The {what} ({value.GetType().FullName}) cannot be serialized to JSON: {e.Message}", e);
        }
        CheckSize(json, what);
        return json;
    }

    public void CheckSize(string? json, string what)
    {
        if (json is null || json.Length <= _maxBytes / 4)
            return;
        var bytes = Encoding.UTF8.GetByteCount(json);
        if (bytes > _maxBytes)
        {
            throw new PayloadTooLargeException(
                $"The {what} is {bytes:N0} bytes, above the payload limit of {_maxBytes:N0} bytes. " +
                "Pass artifact references (URIs to blobs or files) instead of the data itself.");
        }
    }

    public object? Deserialize(string? json, Type type, string what)
    {
        if (json is null)
            return type.IsValueType && Nullable.GetUnderlyingType(type) is null ? Activator.CreateInstance(type) : null;
        try
        {
            return JsonSerializer.Deserialize(json, type, _json);
        }
        catch (Exception e) when (e is NotSupportedException or JsonException or InvalidOperationException)
        {
            throw new PayloadSerializationException(
                $"The {what} cannot be read as {type.FullName}: {e.Message}", e);
        }
    }

    public T? Deserialize<T>(string? json, string what) => (T?)Deserialize(json, typeof(T), what);
}
