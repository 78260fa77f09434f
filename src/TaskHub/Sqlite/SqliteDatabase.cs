using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace RankDistill.TaskHub.Sqlite;

/// <summary>
/// The file: one writer connection behind <see cref="SqliteWriter"/> (this process's writes, group-committed in
/// IMMEDIATE transactions), pooled reader connections (WAL: readers never wait for writers), and the schema,
/// migrated on first use. Journal WAL with synchronous=NORMAL: a commit is in the WAL before it returns, so it
/// survives the process being killed; only a power cut can lose the last commits, never corrupt the file.
/// </summary>
internal sealed class SqliteDatabase : IAsyncDisposable
{
    private readonly string _connectionString;
    private readonly int _busyTimeoutMs;
    private readonly ILogger _logger;
    private readonly SqliteWriter _writer;
    private readonly Lock _schemaLock = new();
    private Task? _schema;

    public SqliteDatabase(SqliteOrchestrationServiceOptions options, TimeProvider time, ILogger logger)
    {
        FilePath = Path.GetFullPath(options.FilePath);
        Hub = options.TaskHubName;
        Time = time;
        _logger = logger;
        _busyTimeoutMs = (int)options.BusyTimeout.TotalMilliseconds;
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = FilePath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            DefaultTimeout = Math.Max(1, (int)Math.Ceiling(options.BusyTimeout.TotalSeconds)),
        }.ToString();
        _writer = new SqliteWriter(OpenWriter, e => Logs.WriteBatchFailed(_logger, FilePath, e));
    }

    public string FilePath { get; }

    /// <summary>The task hub every row of this service carries.</summary>
    public string Hub { get; }

    public TimeProvider Time { get; }

    public long NowTicks => Time.GetUtcNow().UtcTicks;

    /// <summary>Runs <paramref name="work"/> in a write transaction (shared with other writes of this process).</summary>
    public async Task<T> WriteAsync<T>(Func<SqliteConnection, SqliteTransaction, T> work)
    {
        await EnsureSchemaAsync();
        return await _writer.WriteAsync(work);
    }

    /// <summary>Runs <paramref name="work"/> on a pooled read connection (a snapshot of committed data).</summary>
    public async Task<T> ReadAsync<T>(Func<SqliteConnection, T> work)
    {
        await EnsureSchemaAsync();
        using var connection = new SqliteConnection(_connectionString);
        connection.Open();
        return work(connection);
    }

    /// <summary>Creates the file and applies missing migrations, once per service (again after a failure).</summary>
    public Task EnsureSchemaAsync()
    {
        lock (_schemaLock)
        {
            if (_schema is null || _schema.IsFaulted || _schema.IsCanceled)
                _schema = MigrateAsync();
            return _schema;
        }
    }

    private async Task MigrateAsync()
    {
        var folder = Path.GetDirectoryName(FilePath);
        if (!string.IsNullOrEmpty(folder))
            Directory.CreateDirectory(folder);
        var before = await _writer.WriteAsync((c, t) => SqliteSchema.Migrate(c, t, NowTicks));
        if (before != SqliteSchema.LatestVersion)
            Logs.SchemaMigrated(_logger, FilePath, before, SqliteSchema.LatestVersion);
    }

    private SqliteConnection OpenWriter()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        // WAL is a property of the file (set once, kept); busy_timeout lets SQLite itself wait for another
        // process's write transaction, with finer sleeps than the driver's own retry loop.
        connection.Execute(null, $"PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout={_busyTimeoutMs};");
        return connection;
    }

    public async ValueTask DisposeAsync()
    {
        await _writer.DisposeAsync();
        using var connection = new SqliteConnection(_connectionString);
        SqliteConnection.ClearPool(connection);
    }
}
