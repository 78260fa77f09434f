using System.Diagnostics;

namespace RankDistill.Workflows.Tests.Hosting;

/// <summary>The real host executable, started as a process the way a user starts it.</summary>
public sealed class HostProcessTests : IDisposable
{
    private const string AzuriteKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
    private readonly string _work = Directory.CreateTempSubdirectory("rankdistill-host-").FullName;

    public void Dispose() => Directory.Delete(_work, recursive: true);

    [Fact]
    public async Task Config_BadKindInEnvironment_StopsWithExit2NamingTheSetting()
    {
        var run = await RunHostAsync(["config"], ("Storage__Kind", "Blobb"));

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("Storage:Kind = 'Blobb' (from environment variable Storage__Kind) is not valid; expected one of: Local, Blob", run.Error, StringComparison.Ordinal);
        Assert.Equal("", run.Output);
    }

    [Fact]
    public async Task Worker_BadSettingsOnTheCommandLine_StopsBeforeItStartsWithExit2NamingEach()
    {
        var run = await RunHostAsync(["worker", "--Storage:Kind=Blobb", "--Pipeline:DropFiles:MaxLineLength=10"]);

        Assert.Equal(2, run.ExitCode);
        Assert.Equal(
            ["Invalid configuration:",
             "  Storage:Kind = 'Blobb' (from command line) is not valid; expected one of: Local, Blob",
             "  Pipeline:DropFiles:MaxLineLength = 10 is not valid; expected 2,000 to 2,147,483,647 characters"],
            run.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')));
        Assert.Equal("", run.Output);
        // Nothing was started: no task hub was created.
        Assert.False(Directory.Exists(Path.Combine(_work, ".data")));
    }

    [Fact]
    public async Task Config_BadValueInLocalSettings_StopsWithExit2NamingTheSettingAndFile()
    {
        await File.WriteAllTextAsync(Path.Combine(_work, "local.settings.json"),
            """{"IsEncrypted": false, "Values": {"Torch__Device": "tpu"}}""", TestContext.Current.CancellationToken);

        var run = await RunHostAsync(["config"]);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("Torch:Device = 'tpu' (from local.settings.json) is not valid; expected one of: Auto, Cpu, Cuda", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Config_EncryptedLocalSettings_StopsWithExit2SayingSo()
    {
        await File.WriteAllTextAsync(Path.Combine(_work, "local.settings.json"),
            """{"IsEncrypted": true, "Values": {}}""", TestContext.Current.CancellationToken);

        var run = await RunHostAsync(["config"]);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("encrypted settings are not supported", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Config_ValidSettings_PrintsResolvedValuesWithSourcesAndNoSecret()
    {
        await File.WriteAllTextAsync(Path.Combine(_work, "local.settings.json"),
            """{"Values": {"Storage__Kind": "Local", "Torch__Threads": "2", "Torch__Device": "cpu"}}""", TestContext.Current.CancellationToken);
        var connection = $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={AzuriteKey};BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1;";

        // local.settings.json < environment < command line
        var run = await RunHostAsync(["config", "--Storage:Kind=Blob", "--Torch:Threads", "3"],
            ("Storage__ConnectionString", connection), ("Torch__Threads", "4"), ("Torch__Device", "cuda"));

        Assert.Equal(0, run.ExitCode);
        Assert.Equal("", run.Error);
        var lines = run.Output.Split('\n').Where(l => !l.StartsWith('#')).Select(l => l.TrimEnd()).ToList();
        Assert.Contains(lines, l => l.StartsWith("Storage:Kind ", StringComparison.Ordinal) && l.EndsWith("= Blob  [command line]", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("Torch:Threads ", StringComparison.Ordinal) && l.EndsWith("= 3  [command line]", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("Torch:Device ", StringComparison.Ordinal) && l.EndsWith("= cuda  [environment variable Torch__Device]", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("Storage:LocalRoot ", StringComparison.Ordinal) && l.EndsWith($"= {Path.Combine(_work, ".data", "store")}  [default]", StringComparison.Ordinal));
        Assert.Contains("AccountKey=***", run.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(AzuriteKey, run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Config_QuotedSecretPartAndUrlUserInfo_NeverShown()
    {
        // A quoted value may hold ';' and '=': split naively, its tail reads as a public part.
        var run = await RunHostAsync(["config"],
            ("TaskHub__ConnectionString", "Host=db.internal;Username=rd;Password=\"pa;Database=LEAKEDTAIL\";Database=rankdistill"),
            ("Storage__AccountUrl", "https://rd-user:Us3rInfoSecret@acct.blob.core.windows.net/"));

        Assert.Equal(0, run.ExitCode);
        Assert.DoesNotContain("LEAKEDTAIL", run.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("Us3rInfoSecret", run.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("rd-user", run.Output, StringComparison.Ordinal);
        // The parts that say which database and account are meant stay readable.
        Assert.Contains("Host=db.internal;Username=rd;Password=***;Database=rankdistill", run.Output, StringComparison.Ordinal);
        Assert.Contains("= https://acct.blob.core.windows.net/  [environment variable Storage__AccountUrl]", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Config_StrayArgument_FailsWithExit1()
    {
        var run = await RunHostAsync(["config", "stray"]);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("'stray' is not an option of this command nor a setting", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Config_OptionItDoesNotHave_FailsWithExit1InsteadOfTakingItAsASetting()
    {
        // "--queues" belongs to worker and serve; taken as a setting "queues" it would be accepted and never read.
        var run = await RunHostAsync(["config", "--queues", "gpu"]);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("'--queues' is not an option of this command nor a setting", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Config_DataOption_ResolvesTheDataFolderAsTheOtherCommandsDo()
    {
        var run = await RunHostAsync(["config", "--data", "elsewhere"]);

        Assert.Equal(0, run.ExitCode);
        Assert.Contains($"= {Path.Combine(_work, "elsewhere", "store")}  [", run.Output, StringComparison.Ordinal);
    }

    private async Task<(int ExitCode, string Output, string Error)> RunHostAsync(string[] args, params (string Name, string Value)[] environment)
    {
        // The host assembly is copied next to the tests by the project reference, in the same configuration.
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            WorkingDirectory = _work,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "RankDistill.Workflows.dll"));
        foreach (var arg in args)
            start.ArgumentList.Add(arg);
        foreach (var name in start.Environment.Keys.Where(IsHostSetting).ToList())
            start.Environment.Remove(name);
        foreach (var (name, value) in environment)
            start.Environment[name] = value;

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var error = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        deadline.CancelAfter(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }
        return (process.ExitCode, await output, await error);
    }

    // Settings the test runner's own environment may carry must not leak into the host under test.
    private static bool IsHostSetting(string name) =>
        new[] { "Data__", "Storage__", "TaskHub__", "Torch__" }.Any(p => name.StartsWith(p, StringComparison.OrdinalIgnoreCase));
}
