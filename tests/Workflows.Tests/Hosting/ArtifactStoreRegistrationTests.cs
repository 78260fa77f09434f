using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using RankDistill.Activities.Storage;
using RankDistill.Workflows.Hosting;

namespace RankDistill.Workflows.Tests.Hosting;

public sealed class ArtifactStoreRegistrationTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("rankdistill-di-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task AddArtifactStore_LocalKind_RegistersLocalStoreAtLocalRoot()
    {
        using var provider = Services(("Storage:LocalRoot", Path.Combine(_folder, "s"))).BuildServiceProvider();

        var store = Assert.IsType<LocalArtifactStore>(provider.GetRequiredService<IArtifactStore>());
        await store.WriteAsync("runs/r/a.txt", "a"u8.ToArray(), TestContext.Current.CancellationToken);

        Assert.True(File.Exists(Path.Combine(_folder, "s", "runs", "r", "a.txt")));
        Assert.Equal(Path.Combine(_folder, "s"), provider.GetRequiredService<IOptions<StorageOptions>>().Value.LocalRoot);
    }

    [Fact]
    public void AddArtifactStore_BlobKindWithConnectionString_RegistersBlobStoreWithPrefix()
    {
        using var provider = Services(
            ("Storage:Kind", "Blob"),
            ("Storage:ContainerPrefix", "team-a-"),
            ("Storage:ConnectionString", "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=a2V5;BlobEndpoint=http://127.0.0.1:1/devstoreaccount1;"))
            .BuildServiceProvider();

        var store = Assert.IsType<BlobArtifactStore>(provider.GetRequiredService<IArtifactStore>());

        Assert.Equal("blob store 'http://127.0.0.1:1/devstoreaccount1' (container prefix 'team-a-')", store.Description);
    }

    [Fact]
    public void AddArtifactStore_BlobKindWithAccountUrl_RegistersBlobStoreOnThatAccount()
    {
        using var provider = Services(("Storage:Kind", "Blob"), ("Storage:AccountUrl", "https://acct.blob.core.windows.net")).BuildServiceProvider();

        Assert.Equal("blob store 'https://acct.blob.core.windows.net'", provider.GetRequiredService<IArtifactStore>().Description);
    }

    [Fact]
    public void AddArtifactStore_BadSetting_ThrowsWhenTheStoreIsResolved()
    {
        using var provider = Services(("Storage:Kind", "Blobb")).BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(provider.GetRequiredService<IArtifactStore>);

        Assert.Equal(["Storage:Kind = 'Blobb' (from in-memory configuration) is not valid; expected one of: Local, Blob"], error.Failures);
    }

    private ServiceCollection Services(params (string Key, string Value)[] values)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value)))
            .AddInMemoryCollection([new("Data:Root", _folder)])
            .Build();
        var services = new ServiceCollection();
        services.AddHostSettings(configuration).AddArtifactStore();
        return services;
    }
}
