using System.Globalization;

namespace RankDistill.Activities.Data;

/// <summary>
/// How drops write and read times: ISO 8601 in UTC ("2024-03-01T08:15:42Z"), or a number of
/// Unix epoch milliseconds. Strings without an offset are taken as UTC.
/// </summary>
internal static class Timestamps
{
    private const string IsoFormat = "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'";

    public static string Format(DateTimeOffset value) =>
        value.UtcDateTime.ToString(IsoFormat, CultureInfo.InvariantCulture);

    public static bool TryParse(string text, out DateTimeOffset value)
    {
        if (long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var millis))
            return TryFromEpochMillis(millis, out value);
        return DateTimeOffset.TryParse(
            text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out value);
    }

    public static bool TryFromEpochMillis(long millis, out DateTimeOffset value)
    {
        if (millis < DateTimeOffset.MinValue.ToUnixTimeMilliseconds() || millis > DateTimeOffset.MaxValue.ToUnixTimeMilliseconds())
        {
            value = default;
            return false;
        }
        value = DateTimeOffset.FromUnixTimeMilliseconds(millis);
        return true;
    }
}
