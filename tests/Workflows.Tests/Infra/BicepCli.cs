using System.Reflection;
using RankDistill.Testing;

namespace RankDistill.Workflows.Tests.Infra;

/// <summary>
/// The Bicep CLI from the Azure.Bicep.CommandLine.linux-x64 package (its path is stamped into this
/// assembly by the test project), run in infra/bicep so bicepconfig.json applies.
/// </summary>
internal static class BicepCli
{
    public static string TemplateDirectory { get; } = Path.Combine(RepositoryRoot.Path, "infra", "bicep");

    private static readonly Lazy<string> _executable = new(FindExecutable);

    public static Task<ProcessResult> RunAsync(params string[] arguments) =>
        RunInAsync(TemplateDirectory, null, arguments);

    public static Task<ProcessResult> RunInAsync(
        string workingDirectory, IReadOnlyDictionary<string, string?>? environment, params string[] arguments) =>
        ProcessRun.RunAsync(_executable.Value, arguments, workingDirectory, environment);

    private static string FindExecutable()
    {
        if (!OperatingSystem.IsLinux())
            throw new PlatformNotSupportedException("the referenced Bicep CLI package is the linux-x64 build");
        var path = typeof(BicepCli).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .SingleOrDefault(a => a.Key == "BicepCli")?.Value;
        if (string.IsNullOrEmpty(path) || !File.Exists(path))
            throw new InvalidOperationException($"Bicep CLI not found at '{path}': restore tests/Workflows.Tests (package Azure.Bicep.CommandLine.linux-x64).");

        // NuGet does not always keep the run bit when it extracts a package.
        var mode = File.GetUnixFileMode(path);
        if (!mode.HasFlag(UnixFileMode.UserExecute))
            File.SetUnixFileMode(path, mode | UnixFileMode.UserExecute);
        return path;
    }
}
