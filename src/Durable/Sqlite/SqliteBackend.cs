using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;
using RankDistill.Durable.Backends;

namespace RankDistill.Durable.Sqlite;

/// <summary>
/// The embedded task hub: one SQLite file in WAL mode, shareable by several worker processes.
/// Writes from this process go through one connection, one at a time (SQLite has one writer
/// anyway, and waiting in-process is far cheaper than SQLite's busy retries); reads use pooled
/// connections and never block writers.
/// </summary>
public sealed partial class SqliteBackend : IDurableBackend, IDisposable
{
    private readonly SqliteBackendOptions _options;
    private readonly string _connectionString;
    private readonly SemaphoreSlim _writeGate = new(1, 1);
    private readonly TimeProvider _time;
    private SqliteConnection? _writer;
    private bool _disposed;

    public SqliteBackend(IOptions<SqliteBackendOptions> options, TimeProvider? timeProvider = null)
        : this(options.Value, timeProvider)
    {
    }

    public SqliteBackend(SqliteBackendOptions options, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _time = timeProvider ?? TimeProvider.System;
        var path = System.IO.Path.GetFullPath(options.Path);
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            DefaultTimeout = (int)Math.Ceiling(options.BusyTimeout.TotalSeconds),
        }.ToString();
        FilePath = path;
    }

    /// <summary>The full path of the database file.</summary>
    public string FilePath { get; }

    /// <summary>Called with the operation's name just before a write transaction commits. Crash
    /// tests set it to kill the process at that point; null otherwise.</summary>
    internal Action<string>? BeforeCommit { get; set; }

    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        var folder = System.IO.Path.GetDirectoryName(FilePath);
        if (!string.IsNullOrEmpty(folder))
            Directory.CreateDirectory(folder);
        await WriteAsync("migrate", (connection, transaction) =>
            SqliteSchema.Migrate(connection, transaction, _time.GetUtcNow()), cancellationToken);
    }

    /// <summary>Runs <paramref name="work"/> in an IMMEDIATE transaction on the writer connection
    /// and commits; an exception rolls everything back.</summary>
    private async Task<T> WriteAsync<T>(string operation, Func<SqliteConnection, SqliteTransaction, T> work, CancellationToken cancellationToken)
    {
        await _writeGate.WaitAsync(cancellationToken);
        try
        {
            var connection = Writer();
            using var transaction = connection.BeginTransaction(deferred: false);
            var result = work(connection, transaction);
            BeforeCommit?.Invoke(operation);
            transaction.Commit();
            return result;
        }
        finally
        {
            _writeGate.Release();
        }
    }

    private SqliteConnection Writer()
    {
        if (_writer is { State: System.Data.ConnectionState.Open })
            return _writer;
        _writer?.Dispose();
        _writer = Open();
        return _writer;
    }

    /// <summary>A pooled connection with this engine's settings.</summary>
    private SqliteConnection Open()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        var busyMs = (int)_options.BusyTimeout.TotalMilliseconds;
        var synchronous = _options.FsyncEveryCommit ? "FULL" : "NORMAL";
        // WAL is a property of the file (kept once set); the others are per connection.
        Execute(connection, null, $"PRAGMA journal_mode=WAL; PRAGMA synchronous={synchronous}; PRAGMA busy_timeout={busyMs}; PRAGMA foreign_keys=OFF;");
        return connection;
    }

    private static int Execute(SqliteConnection connection, SqliteTransaction? transaction, string sql, params (string Name, object? Value)[] parameters)
    {
        using var command = Command(connection, transaction, sql, parameters);
        return command.ExecuteNonQuery();
    }

    private static SqliteCommand Command(SqliteConnection connection, SqliteTransaction? transaction, string sql, params (string Name, object? Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        return command;
    }

    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
            return;
        _disposed = true;
        await _writeGate.WaitAsync();
        try
        {
            if (_writer is not null)
                await _writer.DisposeAsync();
            _writer = null;
        }
        finally
        {
            _writeGate.Release();
        }
        _writeGate.Dispose();
    }
}
