using RankDistill.TaskHub;
using RankDistill.Workflows.Hosting;

namespace RankDistill.Workflows.Tests.Hosting;

/// <summary>Source precedence in process; the environment's place is tested on the real host (HostProcessTests).</summary>
public sealed class HostConfigurationTests : IDisposable
{
    private readonly string _app = Directory.CreateTempSubdirectory("rankdistill-app-").FullName;
    private readonly string _work = Directory.CreateTempSubdirectory("rankdistill-work-").FullName;

    public void Dispose()
    {
        Directory.Delete(_app, recursive: true);
        Directory.Delete(_work, recursive: true);
    }

    [Fact]
    public void Build_SameSettingEverywhere_CommandLineBeatsLocalSettingsBeatsAppSettings()
    {
        File.WriteAllText(Path.Combine(_app, "appsettings.json"), """{"Torch": {"Threads": "1", "Device": "cpu"}, "Data": {"Root": "app"}}""");
        File.WriteAllText(Path.Combine(_work, "local.settings.json"), """{"Values": {"Torch__Threads": "2", "Torch__Device": "cuda"}}""");

        var configuration = HostConfiguration.Build(["--Torch:Threads=3"], _work, _app);

        Assert.Equal("3", configuration["Torch:Threads"]);
        Assert.Equal("cuda", configuration["Torch:Device"]);
        Assert.Equal("app", configuration["Data:Root"]);
        Assert.Equal("command line", SettingSources.Describe(configuration, "Torch:Threads"));
        Assert.Equal("local.settings.json", SettingSources.Describe(configuration, "Torch:Device"));
        Assert.Equal("appsettings.json", SettingSources.Describe(configuration, "Data:Root"));
        Assert.Equal(SettingSources.Default, SettingSources.Describe(configuration, "Storage:Kind"));
    }

    [Fact]
    public void Build_NoFilesNoArguments_EmbeddedDefaultsNeedNothingInstalled()
    {
        var settings = HostSettings.Load(HostConfiguration.Build([], _work, _app), _work);

        Assert.Equal((StorageKind.Local, TaskHubKind.Sqlite), (settings.Storage.Kind, settings.TaskHub.Kind));
        Assert.Equal(Path.Combine(_work, ".data", "store"), settings.Storage.LocalRoot);
        Assert.Equal(Path.Combine(_work, ".data", "taskhub.db"), settings.TaskHub.SqlitePath);
    }
}
