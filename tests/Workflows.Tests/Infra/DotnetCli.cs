namespace RankDistill.Workflows.Tests.Infra;

/// <summary>The real `dotnet` CLI, run as a child process with none of the test host's MSBuild environment.</summary>
internal static class DotnetCli
{
    public static Task<ProcessResult> RunAsync(string[] arguments, string workingDirectory) =>
        ProcessRun.RunAsync(
            Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet",
            [.. arguments, "-nologo", "-nodeReuse:false"],
            workingDirectory,
            new Dictionary<string, string?>
            {
                // A test launched from MSBuild inherits these; they would point the child at the parent's build.
                ["MSBUILD_EXE_PATH"] = null,
                ["MSBuildExtensionsPath"] = null,
                ["MSBuildSDKsPath"] = null,
                ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
            });
}
