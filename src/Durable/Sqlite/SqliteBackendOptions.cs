namespace RankDistill.Durable.Sqlite;

/// <summary>Settings of the embedded SQLite task hub.</summary>
public sealed class SqliteBackendOptions
{
    /// <summary>The database file; created with its folder when missing.</summary>
    public string Path { get; set; } = "durable.db";

    /// <summary>
    /// False (the default) uses <c>synchronous=NORMAL</c>: in WAL mode a killed process loses
    /// nothing committed, and only a power cut can lose the last commits (their work is then
    /// redelivered, never corrupted). True uses <c>FULL</c>: fsync on every commit.
    /// </summary>
    public bool FsyncEveryCommit { get; set; }

    /// <summary>How long a command waits for another process's write lock before failing.</summary>
    public TimeSpan BusyTimeout { get; set; } = TimeSpan.FromSeconds(30);
}
