using System.Globalization;

namespace RankDistill.Workflows.Hosting;

/// <summary>Durations as settings give them: <c>hh:mm:ss[.fff]</c>, or a number with a unit: <c>500ms</c>, <c>2s</c>, <c>5m</c>, <c>1h</c>.</summary>
internal static class Durations
{
    private static readonly (string Suffix, double Seconds)[] _units = [("ms", 1e-3), ("s", 1), ("m", 60), ("h", 3600)];

    public static bool TryParse(string value, out TimeSpan duration)
    {
        if (TimeSpan.TryParse(value, CultureInfo.InvariantCulture, out duration))
            return true;
        foreach (var (suffix, seconds) in _units)
        {
            if (value.EndsWith(suffix, StringComparison.OrdinalIgnoreCase)
                && double.TryParse(value[..^suffix.Length], NumberStyles.Float, CultureInfo.InvariantCulture, out var number)
                && double.IsFinite(number) && Math.Abs(number * seconds) < TimeSpan.MaxValue.TotalSeconds)
            {
                duration = TimeSpan.FromSeconds(number * seconds);
                return true;
            }
        }
        return false;
    }
}
