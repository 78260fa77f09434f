using System.Globalization;

namespace RankDistill.Models.Metrics;

/// <summary>Shared rules of the whitespace-separated TREC formats.</summary>
internal static class TrecFormat
{
    private static readonly char[] _separators = [' ', '\t'];

    public static string[] Fields(string line, int expected, string kind, int lineNumber)
    {
        var fields = line.Split(_separators, StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length != expected)
            throw new FormatException($"{kind} line {lineNumber}: expected {expected} fields, found {fields.Length}: '{line}'.");
        return fields;
    }

    public static double ParseDouble(string text, string kind, int lineNumber) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value)
            ? value
            : throw new FormatException($"{kind} line {lineNumber}: '{text}' is not a finite number.");

    public static int ParseInt(string text, string kind, int lineNumber) =>
        int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new FormatException($"{kind} line {lineNumber}: '{text}' is not an integer.");

    /// <summary>Ids are single whitespace-free tokens in these formats; anything else would corrupt the file.</summary>
    public static string Id(string id, string what)
    {
        if (string.IsNullOrEmpty(id) || id.AsSpan().IndexOfAny(" \t\r\n") >= 0)
            throw new ArgumentException($"{what} '{id}' must be non-empty and free of whitespace to be written in TREC format.");
        return id;
    }

    public static IEnumerable<(int Number, string Text)> Lines(TextReader reader)
    {
        int number = 0;
        while (reader.ReadLine() is { } line)
        {
            number++;
            if (!string.IsNullOrWhiteSpace(line))
                yield return (number, line);
        }
    }
}
