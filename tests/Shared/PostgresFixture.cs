using System.Collections.Concurrent;

namespace RankDistill.Testing;

/// <summary>
/// One PostgreSQL server for a whole test assembly: declare <c>[assembly: AssemblyFixture(typeof(PostgresFixture))]</c>
/// in the project that needs it and take <see cref="PostgresFixture"/> in a test class's constructor. The server starts
/// on first use (a run filtered to other tests never starts it). Each test class asks for its own database
/// (<see cref="DatabaseAsync"/>, made once per name) so classes running in parallel never see each other's tables.
/// </summary>
public sealed class PostgresFixture : IAsyncLifetime
{
    private readonly ConcurrentDictionary<string, Lazy<Task<string>>> _databases = new(StringComparer.Ordinal);
    private readonly Lazy<Task<PostgresServer>> _server = new(() => PostgresServer.StartAsync());

    /// <summary>The server, started on first use.</summary>
    public Task<PostgresServer> ServerAsync() => _server.Value;

    /// <summary>The connection string of database <paramref name="name"/> (letters, digits, _; made lower case), created on first use.</summary>
    public Task<string> DatabaseAsync(string name)
    {
        var lazy = _databases.GetOrAdd(name.ToLowerInvariant(), n => new Lazy<Task<string>>(async () =>
        {
            var server = await ServerAsync();
            await server.CreateDatabaseAsync(n);
            return server.ConnectionString(n);
        }));
        return lazy.Value;
    }

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        if (_server.IsValueCreated && _server.Value.IsCompletedSuccessfully)
            await _server.Value.Result.DisposeAsync();
    }
}
