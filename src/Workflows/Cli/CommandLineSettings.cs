namespace RankDistill.Workflows.Cli;

/// <summary>
/// Settings given on the command line after a command, in ASP.NET Core's form: <c>--Storage:Kind=Blob</c> or
/// <c>--Storage:Kind Blob</c> (<c>__</c> works as a separator too). Anything else left over is a usage error.
/// </summary>
internal static class CommandLineSettings
{
    public static bool TryParse(IReadOnlyList<string> tokens, out List<string> settings, out string? problem)
    {
        settings = [];
        for (var i = 0; i < tokens.Count; i++)
        {
            var token = tokens[i];
            if (!token.StartsWith("--", StringComparison.Ordinal) || token.Length == 2 || token[2] == '=')
            {
                problem = $"'{token}' is not an option of this command nor a setting; give settings as --Section:Key=value, e.g. --Storage:Kind=Blob";
                return false;
            }
            var key = token[2..].Split('=', 2)[0];
            if (!key.Contains(':', StringComparison.Ordinal) && !key.Contains("__", StringComparison.Ordinal))
            {
                // Every setting lives in a section; a bare name is a mistyped or misplaced option (e.g. --data on a
                // command without it), which as a setting would be accepted and never read.
                problem = $"'{token}' is not an option of this command nor a setting (settings are --Section:Key=value, e.g. --Storage:Kind=Blob)";
                return false;
            }
            if (token.Contains('=', StringComparison.Ordinal))
            {
                settings.Add(token);
                continue;
            }
            if (i + 1 >= tokens.Count || tokens[i + 1].StartsWith("--", StringComparison.Ordinal))
            {
                problem = $"setting '{token}' has no value; give it as {token}=value or {token} value";
                return false;
            }
            settings.Add($"{token}={tokens[++i]}");
        }
        problem = null;
        return true;
    }
}
