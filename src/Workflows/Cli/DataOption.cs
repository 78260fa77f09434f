using System.CommandLine;

namespace RankDistill.Workflows.Cli;

/// <summary><c>--data DIR</c>: the data folder (setting <c>Data:Root</c>) of commands that work on one, shared so that <c>demo</c> and <c>serve</c> given the same folder see the same pipelines.</summary>
internal static class DataOption
{
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
}
