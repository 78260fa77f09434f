using Microsoft.Extensions.Configuration;
using RankDistill.Workflows.Hosting;

namespace RankDistill.Workflows.Tests.Hosting;

public sealed class LocalSettingsConfigurationProviderTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("rankdistill-settings-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void Load_ValuesWithDoubleUnderscoreOrColon_BothBecomeSections()
    {
        var configuration = Load("""{"IsEncrypted": false, "Values": {"Storage__Kind": "Blob", "Torch:Device": "cpu", "Plain": "x"}}""");

        Assert.Equal("Blob", configuration["Storage:Kind"]);
        Assert.Equal("cpu", configuration["Torch:Device"]);
        Assert.Equal("x", configuration["Plain"]);
        Assert.Equal("Blob", configuration.GetSection("Storage")["Kind"]);
    }

    [Fact]
    public void Load_NumbersBooleansAndNull_BecomeStringsOrUnset()
    {
        var configuration = Load("""{"Values": {"Torch__Threads": 4, "Flag": true, "Gone": null}}""");

        Assert.Equal("4", configuration["Torch:Threads"]);
        Assert.Equal("True", configuration["Flag"]);
        Assert.Null(configuration["Gone"]);
    }

    [Fact]
    public void Load_EmptyValue_CountsAsNotSetSoLowerSourcesShowThrough()
    {
        File.WriteAllText(Path.Combine(_folder, "local.settings.json"), """{"Values": {"Storage__ContainerPrefix": ""}}""");
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Storage:ContainerPrefix"] = "lower-" })
            .AddLocalSettingsFile(Path.Combine(_folder, "local.settings.json"))
            .Build();

        Assert.Equal("lower-", configuration["Storage:ContainerPrefix"]);
    }

    [Fact]
    public void Load_ConnectionStringsSection_BecomesConnectionStringsKeys()
    {
        var configuration = Load("""{"Values": {}, "ConnectionStrings": {"TaskHub": "Host=h"}, "Host": {"LocalHttpPort": 7071}}""");

        Assert.Equal("Host=h", configuration.GetConnectionString("TaskHub"));
        Assert.Null(configuration["Host:LocalHttpPort"]);
    }

    [Fact]
    public void Load_IsEncryptedTrue_ThrowsSayingEncryptedSettingsAreNotSupported()
    {
        var error = Assert.Throws<InvalidDataException>(() => Load("""{"IsEncrypted": true, "Values": {"Storage__Kind": "x"}}"""));

        Assert.Contains("IsEncrypted: true; encrypted settings are not supported", error.InnerException!.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"Values": {"Storage__Kind": "Blob" """, "is not valid JSON")]
    [InlineData("""[1, 2]""", "must hold a JSON object")]
    [InlineData("""{"Values": ["a"]}""", "\"Values\" must be an object")]
    [InlineData("""{"Values": {"Storage__Kind": {"Nested": 1}}}""", "\"Values\".\"Storage__Kind\" is object")]
    public void Load_MalformedFile_ThrowsNamingTheFileAndTheProblem(string json, string problem)
    {
        var error = Assert.Throws<InvalidDataException>(() => Load(json));

        Assert.Contains(Path.Combine(_folder, "local.settings.json"), error.Message, StringComparison.Ordinal);
        Assert.Contains(problem, error.InnerException!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddLocalSettingsFile_MissingOptionalFile_AddsNothing()
    {
        var configuration = new ConfigurationBuilder().AddLocalSettingsFile(Path.Combine(_folder, "none.json")).Build();

        Assert.Empty(configuration.AsEnumerable());
    }

    private IConfigurationRoot Load(string json)
    {
        var path = Path.Combine(_folder, "local.settings.json");
        File.WriteAllText(path, json);
        return new ConfigurationBuilder().AddLocalSettingsFile(path, optional: false).Build();
    }
}
