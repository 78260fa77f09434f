using RankDistill.TaskHub.TestWorker;
using RankDistill.Testing;

namespace RankDistill.TaskHub.Tests.Support;

/// <summary>A new Azure Storage task hub (and its gpu hub) on the shared Azurite.</summary>
public sealed class AzureStorageHostedTaskHub(AzuriteFixture azurite) : HostedTaskHub
{
    // Letters and digits only, starting with a letter (queue, table and container names derive from it).
    private readonly string _hubName = "t" + Guid.NewGuid().ToString("N")[..16];

    // Generous: a wait ends at the state it waits for, and at load 40-60 (a CI run beside three builds) Azurite's
    // partition-table renewals alone took more than 2 s each and three waits of 90 s ran out.
    public override TimeSpan Patience => TimeSpan.FromMinutes(4);

    // At load 50-60 a step finished by a worker with a 10 s lock ran again in the next worker: its message came back
    // before the delete. Azure Storage queues deliver at least once; the orchestration keeps the first result.
    public override bool RunsActivitiesExactlyOnce => false;

    // Every waiting test polls the one Azurite that every Azure Storage test shares.
    protected override TimeSpan ProbeInterval => TimeSpan.FromMilliseconds(100);

    public override IReadOnlyList<string> WorkerProcessArguments => ["--sdk", "azure", "--hub", _hubName];

    public override IReadOnlyDictionary<string, string> WorkerProcessEnvironment => new Dictionary<string, string>
    {
        [SdkWorker.ConnectionVariable] = azurite.ConnectionString,
    };

    public override TaskHubOptions Options()
    {
        var options = SdkWorker.Options("azure", _hubName, sqlitePath: null, azurite.ConnectionString);
        options.MaxPollInterval = TimeSpan.FromMilliseconds(250);
        return options;
    }
}
