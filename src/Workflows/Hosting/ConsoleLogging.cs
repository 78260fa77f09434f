using Microsoft.Extensions.Logging.Console;
using Spectre.Console;

namespace RankDistill.Workflows.Hosting;

/// <summary>The hosts' console log: one line an entry, coloured only where colour is wanted.</summary>
internal static class ConsoleLogging
{
    /// <summary>
    /// The console logger asks only whether output is redirected, so at a <c>TERM=dumb</c> or <c>NO_COLOR</c> terminal its
    /// lines came with escape codes; Spectre's detection (which the progress view uses too) honours both.
    /// </summary>
    public static ILoggingBuilder AddConsoleLines(this ILoggingBuilder logging) => logging.AddSimpleConsole(o =>
    {
        o.SingleLine = true;
        o.ColorBehavior = AnsiConsole.Profile.Capabilities is { Ansi: true, ColorSystem: not ColorSystem.NoColors }
            ? LoggerColorBehavior.Default
            : LoggerColorBehavior.Disabled;
    });
}
