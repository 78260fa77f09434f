namespace RankDistill.Workflows.Hosting;

/// <summary>
/// Where the host's settings come from, lowest precedence first (a later source overrides an earlier one):
/// <list type="number">
/// <item><c>appsettings.json</c> next to the executable: defaults shipped with the build;</item>
/// <item><c>local.settings.json</c> in the working directory (as Azure Functions' <c>func</c> host finds it): this machine's settings;</item>
/// <item>environment variables, sections joined with <c>__</c> (<c>Storage__Kind=Blob</c>): deployments and secrets;</item>
/// <item>the command line, <c>--Storage:Kind=Blob</c> or <c>--Storage:Kind Blob</c>: one run.</item>
/// </list>
/// Settings not given anywhere take the defaults of the options types (<see cref="HostSettings"/>).
/// </summary>
public static class HostConfiguration
{
    public const string AppSettingsFileName = "appsettings.json";
    public const string LocalSettingsFileName = "local.settings.json";

    /// <param name="commandLine">Settings from the command line, e.g. <c>["--Storage:Kind=Blob"]</c>.</param>
    /// <param name="workingDirectory">Where <c>local.settings.json</c> is looked for; the process's by default.</param>
    /// <param name="appDirectory">Where <c>appsettings.json</c> is looked for; the executable's folder by default.</param>
    public static IConfigurationRoot Build(IEnumerable<string> commandLine, string? workingDirectory = null, string? appDirectory = null)
    {
        workingDirectory ??= Directory.GetCurrentDirectory();
        appDirectory ??= AppContext.BaseDirectory;
        return new ConfigurationBuilder()
            .AddJsonFile(Path.Combine(appDirectory, AppSettingsFileName), optional: true, reloadOnChange: false)
            .AddLocalSettingsFile(Path.Combine(workingDirectory, LocalSettingsFileName), optional: true)
            .AddEnvironmentVariables()
            .AddCommandLine([.. commandLine])
            .Build();
    }
}
