using Microsoft.Extensions.Configuration;
using RankDistill.Workflows.Dashboard;
using RankDistill.Workflows.Hosting;

namespace RankDistill.Workflows.Tests.Dashboard;

/// <summary>The <c>Dashboard</c> section read through its options registration.</summary>
public sealed class DashboardOptionsTests
{
    [Fact]
    public void Read_UrlsSetting_SplitAtSemicolonsUnlessTheCommandLineGivesSome()
    {
        var configuration = Configuration(("Dashboard:Urls", "http://127.0.0.1:5081; http://localhost:5082"));

        Assert.Equal(["http://127.0.0.1:5081", "http://localhost:5082"], DashboardOptions.Read(configuration).Urls);
        Assert.Equal(["http://127.0.0.1:6000"], DashboardOptions.Read(configuration, ["http://127.0.0.1:6000"]).Urls);
        Assert.Equal([DashboardOptions.DefaultUrl], DashboardOptions.Read(Configuration()).Urls);
    }

    [Fact]
    public void Read_UnknownKey_RefusedByName()
    {
        var error = Assert.Throws<InvalidSettingsException>(() => DashboardOptions.Read(Configuration(("Dashboard:Url", "http://127.0.0.1:5081"))));

        Assert.Equal(["Dashboard:Url (from in-memory configuration) is not a setting this host uses; `config` lists the ones it does"], error.Errors);
    }

    [Fact]
    public void Read_UrlThatIsNoAddress_NamedWithWhatItAccepts()
    {
        var error = Assert.Throws<InvalidSettingsException>(() => DashboardOptions.Read(Configuration(("Dashboard:Urls", "127.0.0.1;ftp://x"))));

        Assert.Equal(
            [
                "Dashboard:Urls = '127.0.0.1' (from in-memory configuration) is not valid; expected an http URL to listen on, like http://127.0.0.1:5080 or http://0.0.0.0:5080",
                "Dashboard:Urls = 'ftp://x' (from in-memory configuration) is not valid; expected an http URL to listen on, like http://127.0.0.1:5080 or http://0.0.0.0:5080",
            ],
            error.Errors);
    }

    private static IConfiguration Configuration(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => KeyValuePair.Create(v.Key, (string?)v.Value))).Build();
}
