using RankDistill.Testing;

namespace RankDistill.Workflows.Tests.Infra;

/// <summary>
/// `dotnet run --project src/Workflows` starts the host where the user typed it, so a relative `--data`, `.data` and
/// local.settings.json resolve in the user's folder (the project folder is the SDK's default, and a user who pointed
/// `serve --data` at the demo's folder saw an empty dashboard).
/// </summary>
public sealed class RunWorkingDirectoryTests
{
    [Fact]
    public async Task DotnetRun_StartsTheHostInTheFolderItWasTypedIn()
    {
        using var folder = new TemporaryDirectory();
        var project = Path.Combine(RepositoryRoot.Path, "src", "Workflows", "RankDistill.Workflows.csproj");

        var run = await DotnetCli.RunAsync(["msbuild", project, "-getProperty:RunWorkingDirectory"], folder.Path);

        Assert.True(run.ExitCode == 0, run.Output);
        Assert.Equal(Path.TrimEndingDirectorySeparator(folder.Path), Path.TrimEndingDirectorySeparator(run.StdOut.Trim()));
    }
}
