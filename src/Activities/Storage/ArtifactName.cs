using System.Globalization;
using System.Text;

namespace RankDistill.Activities.Storage;

/// <summary>
/// The rules every artifact name follows, checked before a store touches anything. A name is
/// <c>area/path</c>: <c>/</c>-separated segments, the first an area that becomes a blob container or a top
/// folder. The rules keep a name inside the store's root on every OS and valid as a blob name:
/// <list type="bullet">
/// <item>relative (no leading <c>/</c>), at least two segments, at most <see cref="MaxLength"/> characters;</item>
/// <item>no empty, <c>.</c> or <c>..</c> segment; no segment ending in a dot or space; segments of at most
/// <see cref="MaxSegmentBytes"/> UTF-8 bytes (a file name's limit);</item>
/// <item>no control characters, no backslash, none of <c>: * ? " &lt; &gt; |</c> (Windows file names), valid Unicode;</item>
/// <item>the area: 3 to <see cref="MaxAreaLength"/> lowercase letters, digits and single hyphens, starting and
/// ending with a letter or digit (a container name, leaving room for a container prefix).</item>
/// </list>
/// </summary>
public static class ArtifactName
{
    public const int MaxLength = 1024;        // Azure's blob name limit; far beyond any path we make
    public const int MaxSegmentBytes = 255;   // NAME_MAX on ext4, NTFS, APFS
    public const int MaxAreaLength = 30;      // container names stop at 63; half is left for a prefix
    private const string WindowsReserved = ":*?\"<>|";

    /// <summary>Throws <see cref="InvalidArtifactNameException"/> saying which rule <paramref name="name"/> breaks.</summary>
    public static void Validate(string name)
    {
        if (Check(name, isPrefix: false) is { } rule)
            throw new InvalidArtifactNameException(name, rule);
    }

    /// <summary>Whether <paramref name="name"/> follows every rule.</summary>
    public static bool IsValid(string name) => Check(name, isPrefix: false) is null;

    /// <summary>The rule <paramref name="name"/> breaks, in words, or null when it follows every rule.</summary>
    internal static string? RuleBrokenBy(string name) => Check(name, isPrefix: false);

    /// <summary>
    /// Checks a listing prefix: an area and a slash, then any start of a valid name (the last segment may be partial).
    /// </summary>
    public static void ValidatePrefix(string prefix)
    {
        if (Check(prefix, isPrefix: true) is { } rule)
            throw new InvalidArtifactNameException(prefix, rule);
    }

    /// <summary>Checks a name relative to a set's prefix (e.g. <c>weights/model.safetensors</c>): the rules less the area's.</summary>
    public static void ValidateRelative(string relativeName)
    {
        if (CheckPath(relativeName, relativeName.Split('/'), partialLast: false) is { } rule)
            throw new InvalidArtifactNameException(relativeName, rule);
    }

    /// <summary>Splits a valid name into its area and the rest.</summary>
    internal static (string Area, string Path) Split(string name)
    {
        var slash = name.IndexOf('/', StringComparison.Ordinal);
        return (name[..slash], name[(slash + 1)..]);
    }

    /// <summary>Whether <paramref name="area"/> follows the area rule (used for container prefixes too).</summary>
    internal static bool IsContainerNamePart(string area, int minLength, int maxLength)
    {
        if (area.Length < minLength || area.Length > maxLength)
            return false;
        for (var i = 0; i < area.Length; i++)
        {
            var c = area[i];
            var ok = c is (>= 'a' and <= 'z') or (>= '0' and <= '9')
                || (c == '-' && i > 0 && area[i - 1] != '-');
            if (!ok)
                return false;
        }
        return true;
    }

    /// <summary>The name with control characters escaped, safe to print in a message.</summary>
    internal static string Printable(string? name)
    {
        if (name is null)
            return "(null)";
        var sb = new StringBuilder(name.Length);
        foreach (var c in name)
        {
            if (char.IsControl(c) || char.IsSurrogate(c))
                sb.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:X4}");
            else
                sb.Append(c);
        }
        return sb.Length > 200 ? string.Concat(sb.ToString(0, 200), "...") : sb.ToString();
    }

    private static string? Check(string? name, bool isPrefix)
    {
        if (string.IsNullOrEmpty(name))
            return "it is empty";
        if (name.Length > MaxLength)
            return $"it is {name.Length} characters long; the limit is {MaxLength}";
        if (name[0] == '/' || name[0] == '\\' || (name.Length > 1 && name[1] == ':'))
            return "it is an absolute path; names are relative, like runs/<run-id>/file";
        var segments = name.Split('/');
        if (segments.Length < 2)
            return "it names an area only; a name is <area>/<path>, like runs/<run-id>/file";
        var area = segments[0];
        if (!IsContainerNamePart(area, 3, MaxAreaLength) || area[^1] == '-')
        {
            return $"its area '{Printable(area)}' must be 3 to {MaxAreaLength} lowercase letters, digits and single hyphens, "
                + "starting and ending with a letter or digit";
        }
        return CheckPath(name, segments.AsSpan(1), partialLast: isPrefix);
    }

    private static string? CheckPath(string whole, ReadOnlySpan<string> segments, bool partialLast)
    {
        if (whole.Length == 0)
            return "it is empty";
        for (var i = 0; i < whole.Length; i++)
        {
            var c = whole[i];
            if (char.IsControl(c))
                return $"it contains the control character U+{(int)c:X4} at position {i}";
            if (c == '\\')
                return "it contains a backslash; segments are separated by '/'";
            if (WindowsReserved.Contains(c, StringComparison.Ordinal))
                return $"it contains '{c}', which file names on Windows cannot hold";
            if (char.IsHighSurrogate(c) && i + 1 < whole.Length && char.IsLowSurrogate(whole[i + 1]))
                i++;
            else if (char.IsSurrogate(c))
                return $"it is not valid Unicode (an unpaired surrogate at position {i})";
        }
        if (whole[0] == '/')
            return "it is an absolute path; names are relative, like runs/<run-id>/file";
        for (var i = 0; i < segments.Length; i++)
        {
            var segment = segments[i];
            var isLast = i == segments.Length - 1;
            if (isLast && partialLast)
                break;
            if (segment.Length == 0)
                return "it has an empty segment (a leading, trailing or doubled '/')";
            if (segment is "." or "..")
                return $"it has a '{segment}' segment; names cannot step out of their folder";
            if (segment[^1] is '.' or ' ')
                return $"its segment '{segment}' ends with a dot or a space, which Windows and Blob Storage drop";
            if (Encoding.UTF8.GetByteCount(segment) > MaxSegmentBytes)
                return $"its segment '{segment[..20]}...' is longer than {MaxSegmentBytes} UTF-8 bytes";
        }
        return null;
    }
}
