using RankDistill.TaskHub.TestWorker;

namespace RankDistill.TaskHub.Tests.Support;

/// <summary>A SQLite task hub (and its gpu hub) in a new temporary file.</summary>
public sealed class SqliteHostedTaskHub : HostedTaskHub
{
    private const string HubName = "test";

    public string FilePath => Path.Combine(Folder, "hub.db");

    public override TimeSpan Patience => TimeSpan.FromSeconds(30);

    protected override TimeSpan ProbeInterval => TimeSpan.FromMilliseconds(20);

    public override IReadOnlyList<string> WorkerProcessArguments => ["--sdk", "sqlite", "--db", FilePath, "--hub", HubName];

    public override TaskHubOptions Options()
    {
        var options = SdkWorker.Options("sqlite", HubName, FilePath, connectionString: null);
        options.MaxPollInterval = TimeSpan.FromMilliseconds(50);
        return options;
    }
}
