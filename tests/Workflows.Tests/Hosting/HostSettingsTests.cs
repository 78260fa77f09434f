using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using RankDistill.TaskHub;
using RankDistill.Workflows.Hosting;

namespace RankDistill.Workflows.Tests.Hosting;

public sealed class HostSettingsTests
{
    private const string WorkingDirectory = "/srv/rankdistill";
    private const string AzuriteKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
    private const string AzuriteConnection =
        $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={AzuriteKey};BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1;";

    [Fact]
    public void Load_Nothing_DefaultsUnderDataRootInWorkingDirectory()
    {
        var settings = Load();

        Assert.Equal("/srv/rankdistill/.data", settings.Data.Root);
        Assert.Equal("/srv/rankdistill/.data/store", settings.Storage.LocalRoot);
        Assert.Equal("/srv/rankdistill/.data/taskhub.db", settings.TaskHub.SqlitePath);
        Assert.Equal((StorageKind.Local, TaskHubKind.Sqlite, TorchDevice.Auto, 0), (settings.Storage.Kind, settings.TaskHub.Kind, settings.Torch.Device, settings.Torch.Threads));
    }

    [Fact]
    public void Load_DataRootMoved_DerivedPathsFollowUnlessSet()
    {
        var settings = Load(("Data:Root", "/var/data"), ("TaskHub:SqlitePath", "hub/th.db"));

        Assert.Equal("/var/data/store", settings.Storage.LocalRoot);
        Assert.Equal("/srv/rankdistill/hub/th.db", settings.TaskHub.SqlitePath);
    }

    [Fact]
    public void Load_KindMisspelt_NamesTheSettingTheValueAndTheChoices()
    {
        var error = Assert.Throws<InvalidSettingsException>(() => Load(("Storage:Kind", "Blobb")));

        Assert.Equal(["Storage:Kind = 'Blobb' (from in-memory configuration) is not valid; expected one of: Local, Blob"], error.Errors);
    }

    [Fact]
    public void Load_ChoicesInAnyCase_Accepted()
    {
        var settings = Load(("Storage:Kind", "blob"), ("Storage:ConnectionString", AzuriteConnection), ("Torch:Device", "CUDA"), ("TaskHub:Kind", "SQLITE"));

        Assert.Equal((StorageKind.Blob, TorchDevice.Cuda, TaskHubKind.Sqlite), (settings.Storage.Kind, settings.Torch.Device, settings.TaskHub.Kind));
    }

    [Theory]
    [InlineData("Storage:MaxRetries", "21", "a whole number from 0 to 20")]
    [InlineData("Storage:MaxRetries", "many", "a whole number from 0 to 20")]
    [InlineData("Storage:BlockSizeMiB", "0", "a whole number from 1 to 256")]
    [InlineData("Torch:Threads", "-1", "a whole number from 0 to 1024")]
    [InlineData("Torch:Device", "1", "one of: Auto, Cpu, Cuda")]
    [InlineData("Storage:RetryDelay", "soon", "a duration from 00:00:00.0010000 to 00:01:00, like 00:00:02, 2s or 500ms")]
    [InlineData("Storage:AccountUrl", "blob.core.windows.net", "an absolute URL like https://<account>.blob.core.windows.net")]
    [InlineData("Storage:ContainerPrefix", "Team_A", "at most 32 lowercase letters, digits and single hyphens")]
    [InlineData("TaskHub:Kind", "mysql", "one of: Sqlite, AzureStorage")]
    public void Load_BadValue_NamesTheSettingAndWhatItAccepts(string key, string value, string expected)
    {
        var error = Assert.Throws<InvalidSettingsException>(() => Load((key, value)));

        var line = Assert.Single(error.Errors);
        Assert.StartsWith($"{key} = '{value}' (from in-memory configuration) is not valid; expected {expected}", line, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("500ms", 0.5)]
    [InlineData("2s", 2)]
    [InlineData("1m", 60)]
    [InlineData("00:00:03.5", 3.5)]
    public void Load_DurationForms_Accepted(string value, double seconds) =>
        Assert.Equal(TimeSpan.FromSeconds(seconds), Load(("Storage:RetryDelay", value)).Storage.RetryDelay);

    [Fact]
    public void Load_SeveralBadValues_ListsEveryOne()
    {
        var error = Assert.Throws<InvalidSettingsException>(() => Load(("Storage:Kind", "x"), ("Torch:Threads", "y"), ("TaskHub:Kind", "z")));

        Assert.Equal(["Storage:Kind", "TaskHub:Kind", "Torch:Threads"], error.Errors.Select(e => e[..e.IndexOf(' ', StringComparison.Ordinal)]));
        Assert.StartsWith("Invalid configuration:", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_BlobWithoutConnectionOrUrl_SaysWhatItNeeds()
    {
        var error = Assert.Throws<InvalidSettingsException>(() => Load(("Storage:Kind", "Blob")));

        Assert.Equal(["Storage:Kind = 'Blob' needs Storage:ConnectionString or Storage:AccountUrl; neither is set"], error.Errors);
    }

    [Fact]
    public void Load_BlobWithConnectionAndUrl_AsksForOnlyOne()
    {
        var error = Assert.Throws<InvalidSettingsException>(() => Load(
            ("Storage:Kind", "Blob"), ("Storage:ConnectionString", AzuriteConnection), ("Storage:AccountUrl", "https://acct.blob.core.windows.net")));

        Assert.Contains("Storage:ConnectionString and Storage:AccountUrl are both set; set only one", Assert.Single(error.Errors), StringComparison.Ordinal);
    }

    [Fact]
    public void Load_MalformedConnectionString_RefusedWithoutShowingItsSecret()
    {
        var error = Assert.Throws<InvalidSettingsException>(() => Load(("Storage:ConnectionString", "AccountKey=s3cr3t;nonsense")));

        var line = Assert.Single(error.Errors);
        // A string that does not parse is masked whole: where its parts end is anyone's guess.
        Assert.StartsWith("Storage:ConnectionString = '***' (from in-memory configuration) is not valid; expected a storage connection string", line, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cr3t", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_AzureStorageWithoutConnectionOrAccount_SaysItNeedsOne()
    {
        var error = Assert.Throws<InvalidSettingsException>(() => Load(("TaskHub:Kind", "AzureStorage")));

        Assert.Equal(["TaskHub:Kind = AzureStorage needs exactly one of TaskHub:ConnectionString and TaskHub:AccountName"], error.Errors);
    }

    [Fact]
    public void Load_MaxRetryDelayBelowRetryDelay_Refused()
    {
        var error = Assert.Throws<InvalidSettingsException>(() => Load(("Storage:RetryDelay", "10s"), ("Storage:MaxRetryDelay", "1s")));

        Assert.StartsWith("Storage:MaxRetryDelay (00:00:01) is shorter than Storage:RetryDelay (00:00:10)", Assert.Single(error.Errors), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Data:Rot")]
    [InlineData("Storage:Knd")]
    [InlineData("TaskHub:Partitions")]
    [InlineData("Torch:Thread")]
    [InlineData("Pipeline:Distillation:Stepz")]
    // The recipe's fields are keys of the section itself: the options property that holds them is no key.
    [InlineData("Pipeline:Settings:Seed")]
    // A key under a setting, as if it were a section.
    [InlineData("Storage:Kind:Local")]
    public void Load_UnknownKeyInASection_RefusedByNameAlone(string key)
    {
        var error = Assert.Throws<InvalidSettingsException>(() => Load((key, "1")));

        Assert.Equal([$"{key} (from in-memory configuration) is not a setting this host uses; `config` lists the ones it does"], error.Errors);
    }

    [Theory]
    [InlineData("TaskHub:LockDuration", "soon", "a duration, like 00:00:02, 2s or 500ms")]
    [InlineData("TaskHub:PartitionCount", "4.5", "a whole number")]
    [InlineData("Pipeline:Distillation:LearningRate", "fast", "a number, like 0.5 or 3e-4")]
    [InlineData("Pipeline:Publish:RequireNoRegression", "yes", "true or false")]
    [InlineData("Pipeline:WatchInterval", "50ms", "a duration from 00:00:00.1000000 to 1.00:00:00, like 00:00:02, 2s or 500ms")]
    public void Load_ValueThatDoesNotConvert_NamedWithWhatItAcceptsNotTheBindersException(string key, string value, string expected)
    {
        var error = Assert.Throws<InvalidSettingsException>(() => Load((key, value)));

        Assert.Equal([$"{key} = '{value}' (from in-memory configuration) is not valid; expected {expected}"], error.Errors);
    }

    [Fact]
    public void Load_KeysInAnyLetterCase_BoundAndNamedAsTheHostSpellsThem()
    {
        var settings = Load(("storage:maxretries", "7"), ("pipeline:teacher:layers", "3"));
        var error = Assert.Throws<InvalidSettingsException>(() => Load(("torch:threads", "lots")));

        Assert.Equal((7, 3), (settings.Storage.MaxRetries, settings.Pipeline.Settings.Teacher.Layers));
        Assert.StartsWith("Torch:Threads = 'lots' (from in-memory configuration) is not valid", Assert.Single(error.Errors), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddHostSettings_HostStartedWithABadValue_FailsToStartNamingIt()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection([new("Storage:Kind", "Blobb"), new("Torch:Threads", "-1")]).Build();
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddHostSettings(configuration, WorkingDirectory);
        using var host = builder.Build();

        // Nothing resolved the options before: only the start's validation can refuse them.
        var error = await Assert.ThrowsAsync<AggregateException>(() => host.StartAsync(TestContext.Current.CancellationToken));

        Assert.Equal(
            ["Storage:Kind = 'Blobb' (from in-memory configuration) is not valid; expected one of: Local, Blob",
             "Torch:Threads = '-1' (from in-memory configuration) is not valid; expected a whole number from 0 to 1024"],
            error.InnerExceptions.Cast<OptionsValidationException>().SelectMany(e => e.Failures).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Describe_Secrets_AreRedactedButStillSayWhichAccount()
    {
        var settings = Load(("Storage:Kind", "Blob"), ("Storage:ConnectionString", AzuriteConnection),
            ("TaskHub:Kind", "AzureStorage"), ("TaskHub:ConnectionString", AzuriteConnection.Replace(AzuriteKey, "aHVudGVyMg==", StringComparison.Ordinal)));

        var shown = settings.Describe().ToDictionary(s => s.Key, s => s.Value);

        Assert.Equal("DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=***;BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1",
            shown["Storage:ConnectionString"]);
        Assert.Equal("DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=***;BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1",
            shown["TaskHub:ConnectionString"]);
        Assert.DoesNotContain(shown.Values, v => v is not null && (v.Contains(AzuriteKey, StringComparison.Ordinal) || v.Contains("aHVudGVyMg==", StringComparison.Ordinal)));
    }

    private static HostSettings Load(params (string Key, string Value)[] values)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value)))
            .Build();
        return HostSettings.Load(configuration, WorkingDirectory);
    }
}
