using RankDistill.Durable.Backends;
using RankDistill.Durable.Postgres;
using RankDistill.Durable.Tests.Backends;
using RankDistill.Testing;

namespace RankDistill.Durable.Tests.Postgres;

/// <summary>The conformance suite on a real PostgreSQL server: each test gets an empty hub in its own schema.</summary>
public sealed class PostgresBackendTests(PostgresFixture postgres) : BackendConformanceTests
{
    private string _connectionString = "";
    private string _schema = "";

    protected override async Task<IDurableBackend> CreateBackendAsync()
    {
        _connectionString = await postgres.DatabaseAsync(nameof(PostgresBackendTests));
        _schema = Pg.NewSchema();
        return new PostgresBackend(new PostgresBackendOptions { ConnectionString = _connectionString, SchemaName = _schema });
    }

    protected override Task DeleteHubAsync() => Pg.DropSchemaAsync(_connectionString, _schema);
}
