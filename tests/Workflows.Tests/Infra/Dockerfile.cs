using System.Text.RegularExpressions;

namespace RankDistill.Workflows.Tests.Infra;

/// <summary>One instruction of a Dockerfile: keyword (upper case) and its arguments, continuation lines joined.</summary>
internal sealed record DockerInstruction(string Keyword, string Arguments, int Stage);

/// <summary>
/// Just enough of the Dockerfile and .dockerignore formats to check the image recipe here, where no
/// container engine runs: instructions by stage, and which paths the build context keeps.
/// </summary>
internal static class Dockerfile
{
    public static List<DockerInstruction> Parse(string text)
    {
        var instructions = new List<DockerInstruction>();
        var stage = -1;
        var pending = "";
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Trim();
            if (pending.Length == 0 && (line.Length == 0 || line.StartsWith('#')))
                continue;
            if (line.EndsWith('\\'))
            {
                pending += line[..^1] + " ";
                continue;
            }
            var whole = (pending + line).Trim();
            pending = "";
            var space = whole.IndexOf(' ', StringComparison.Ordinal);
            var keyword = (space < 0 ? whole : whole[..space]).ToUpperInvariant();
            if (keyword == "FROM")
                stage++;
            instructions.Add(new DockerInstruction(keyword, space < 0 ? "" : whole[(space + 1)..].Trim(), stage));
        }
        return instructions;
    }

    /// <summary>
    /// Whether the build context keeps <paramref name="path"/> under .dockerignore rules: the last
    /// pattern that matches the path or one of its parent folders wins; '!' re-includes.
    /// </summary>
    public static bool IsInContext(string path, IEnumerable<string> dockerIgnoreLines)
    {
        var candidates = Ancestors(path.Trim('/')).ToList();
        var kept = true;
        foreach (var raw in dockerIgnoreLines)
        {
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#'))
                continue;
            var include = line.StartsWith('!');
            var pattern = GlobToRegex(line.TrimStart('!').Trim('/'));
            if (candidates.Any(pattern.IsMatch))
                kept = include;
        }
        return kept;
    }

    /// <summary>"a/b/c" -> "a", "a/b", "a/b/c".</summary>
    private static IEnumerable<string> Ancestors(string path)
    {
        var parts = path.Split('/');
        for (var i = 1; i <= parts.Length; i++)
            yield return string.Join('/', parts[..i]);
    }

    private static Regex GlobToRegex(string glob)
    {
        var pattern = Regex.Escape(glob)
            .Replace(@"\*\*/", "(.*/)?", StringComparison.Ordinal)
            .Replace(@"\*\*", ".*", StringComparison.Ordinal)
            .Replace(@"\*", "[^/]*", StringComparison.Ordinal)
            .Replace(@"\?", "[^/]", StringComparison.Ordinal);
        return new Regex($"^{pattern}$", RegexOptions.CultureInvariant);
    }
}
