using System.CommandLine;
using RankDistill.Workflows.Hosting;

namespace RankDistill.Workflows.Cli;

/// <summary><c>--data DIR</c>: the data folder (setting <c>Data:Root</c>) of commands that work on one, shared so that <c>demo</c> and <c>serve</c> given the same folder see the same pipelines.</summary>
internal static class DataOption
{
    /// <summary>The demo world's data folder, apart from the <c>.data</c> that <c>serve</c> and <c>worker</c> use by default.</summary>
    public const string DemoFolder = ".data/demo";

    public static Option<string?> Create() => new("--data")
    {
        Description = "The data folder: task hub, local artifact store (the setting Data:Root; same as --Data:Root=DIR).",
        HelpName = "DIR",
    };

    /// <summary>The setting the option stands for, in the command line's settings form; none when not given.</summary>
    public static IReadOnlyList<string> Settings(ParseResult parseResult, Option<string?> option)
    {
        ArgumentNullException.ThrowIfNull(parseResult);
        return parseResult.GetValue(option) is { Length: > 0 } folder ? [$"--Data:Root={folder}"] : [];
    }

    /// <summary>
    /// <see cref="Settings"/> for a command on the demo's world (<c>demo</c>, <c>ablate</c> without a drop): without
    /// <c>--data</c>, its data go to <see cref="DemoFolder"/> unless <c>Data:Root</c> is set (an empty value is not set,
    /// as for every setting: the repository's local.settings.json lists the key empty).
    /// </summary>
    public static IReadOnlyList<string> DemoSettings(ParseResult parseResult, Option<string?> option)
    {
        var settings = Settings(parseResult, option);
        var configured = !string.IsNullOrWhiteSpace(HostConfiguration.Build([])["Data:Root"])
            || parseResult.UnmatchedTokens.Any(t => t.Contains("Data:Root", StringComparison.OrdinalIgnoreCase));
        return settings.Count == 0 && !configured ? [$"--Data:Root={DemoFolder}"] : settings;
    }
}
