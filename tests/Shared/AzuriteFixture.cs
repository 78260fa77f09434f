namespace RankDistill.Testing;

/// <summary>
/// One Azurite (blob, queue and table services) for a whole test assembly: declare <c>[assembly: AssemblyFixture(typeof(AzuriteFixture))]</c> in the
/// project that needs it and take <see cref="AzuriteFixture"/> in a test class's constructor. Give each test its own
/// container prefix (<see cref="NewContainerPrefix"/>) or task hub name so tests running in parallel never see each
/// other's data.
/// </summary>
public sealed class AzuriteFixture : IAsyncLifetime
{
    private AzuriteServer? _server;

    public AzuriteServer Server => _server ?? throw new InvalidOperationException("Azurite has not started.");

    public string ConnectionString => Server.ConnectionString;

    public static string NewContainerPrefix() => $"t{Guid.NewGuid():N}"[..13] + "-";

    public async ValueTask InitializeAsync() => _server = await AzuriteServer.StartAsync();

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
            await _server.DisposeAsync();
    }
}
