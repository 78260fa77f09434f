using System.CommandLine;
using RankDistill.Workflows.Hosting;

namespace RankDistill.Workflows.Cli;

/// <summary>
/// <c>config</c>: builds the configuration, validates every setting, and prints each resolved value with where it came
/// from, secrets redacted. A bad value stops it with exit code 2 and the setting named on stderr.
/// </summary>
internal sealed class ConfigCommand : IHostCommand
{
    public Command Create()
    {
        var data = DataOption.Create();
        var command = new Command("config", "Validate the configuration and print every resolved setting, secrets redacted.") { data };
        command.SetAction((parseResult, cancellationToken) => HostStartup.RunAsync(parseResult, DataOption.Settings(parseResult, data), PrintAsync, cancellationToken));
        return command;
    }

    private static async Task<int> PrintAsync(HostContext host, CancellationToken cancellationToken)
    {
        var output = host.Output;
        await output.WriteLineAsync("# RankDistill configuration, secrets redacted. Sources, lowest precedence first:");
        await output.WriteLineAsync($"#   {Located(Path.Combine(AppContext.BaseDirectory, HostConfiguration.AppSettingsFileName))}");
        await output.WriteLineAsync($"#   {Located(Path.GetFullPath(HostConfiguration.LocalSettingsFileName))}");
        await output.WriteLineAsync("#   environment variables (Section__Key)");
        await output.WriteLineAsync("#   command line (--Section:Key=value)");
        var settings = host.Settings.Describe().ToList();
        var width = settings.Max(s => s.Key.Length);
        foreach (var (key, value) in settings)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var shown = string.IsNullOrEmpty(value) ? "(not set)" : value;
            await output.WriteLineAsync($"{key.PadRight(width)} = {shown}  [{SettingSources.Describe(host.Configuration, key)}]");
        }
        return ExitCodes.Success;
    }

    private static string Located(string path) => $"{path} ({(File.Exists(path) ? "found" : "absent")})";
}
