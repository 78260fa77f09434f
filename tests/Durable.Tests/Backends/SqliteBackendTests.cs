using Microsoft.Data.Sqlite;
using RankDistill.Durable.Backends;
using RankDistill.Durable.Sqlite;
using RankDistill.Durable.Tests.Support;

namespace RankDistill.Durable.Tests.Backends;

/// <summary>The conformance suite on a real SQLite file, plus what is SQLite's own.</summary>
public sealed class SqliteBackendTests : BackendConformanceTests
{
    private readonly TempFolder _folder = new();

    protected override Task<IDurableBackend> CreateBackendAsync() =>
        Task.FromResult<IDurableBackend>(new SqliteBackend(new SqliteBackendOptions { Path = _folder.File("hub.db") }));

    protected override Task DeleteHubAsync()
    {
        _folder.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task InitializeAsync_NewFile_UsesWalAndRecordsSchemaVersion()
    {
        using var connection = new SqliteConnection($"Data Source={_folder.File("hub.db")}");
        await connection.OpenAsync(Ct);
        using var mode = connection.CreateCommand();
        mode.CommandText = "PRAGMA journal_mode";
        Assert.Equal("wal", (string?)await mode.ExecuteScalarAsync(Ct));
        using var version = connection.CreateCommand();
        version.CommandText = "SELECT MAX(Version) FROM SchemaVersions";
        Assert.Equal((long)SqliteSchema.LatestVersion, (long)(await version.ExecuteScalarAsync(Ct))!);
    }

    [Fact]
    public async Task InitializeAsync_FileFromNewerEngine_RefusesWithClearError()
    {
        using (var connection = new SqliteConnection($"Data Source={_folder.File("hub.db")}"))
        {
            await connection.OpenAsync(Ct);
            using var bump = connection.CreateCommand();
            bump.CommandText = "INSERT INTO SchemaVersions (Version, AppliedAt) VALUES (999, 0)";
            await bump.ExecuteNonQueryAsync(Ct);
        }
        await using var other = new SqliteBackend(new SqliteBackendOptions { Path = _folder.File("hub.db") });
        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => other.InitializeAsync(Ct));
        Assert.Contains("schema version 999", e.Message, StringComparison.Ordinal);
    }
}
