using Microsoft.Data.Sqlite;

namespace RankDistill.Durable.Sqlite;

/// <summary>
/// The schema as numbered migrations, applied in order at start and recorded in SchemaVersions,
/// so a newer engine upgrades an older file in place. Never edit a shipped migration: add one.
/// Times are UTC ticks (INTEGER) so comparisons are exact and indexable.
/// </summary>
internal static class SqliteSchema
{
    private static readonly string[] _migrations =
    [
        // 1: instances, their histories, their inboxes (messages not yet processed), activity queues.
        """
        CREATE TABLE Instances (
            InstanceId TEXT PRIMARY KEY NOT NULL,
            Name TEXT NOT NULL,
            Status TEXT NOT NULL,
            Generation INTEGER NOT NULL DEFAULT 0,
            CreatedAt INTEGER NOT NULL,
            UpdatedAt INTEGER NOT NULL,
            CompletedAt INTEGER NULL,
            Input TEXT NULL,
            Output TEXT NULL,
            CustomStatus TEXT NULL,
            Failure TEXT NULL,
            ParentInstanceId TEXT NULL,
            -- Changes whenever the history is replaced, so a cached copy of it is known stale.
            HistoryEpoch TEXT NOT NULL DEFAULT '',
            -- When its earliest waking inbox message becomes visible (null: none), so finding work
            -- reads one index instead of scanning inboxes.
            NextWakeAt INTEGER NULL,
            LockedBy TEXT NULL,
            LockToken TEXT NULL,
            LockedUntil INTEGER NULL);
        CREATE INDEX IX_Instances_Created ON Instances(CreatedAt DESC, InstanceId);
        CREATE INDEX IX_Instances_Status ON Instances(Status);
        CREATE INDEX IX_Instances_Wake ON Instances(NextWakeAt) WHERE NextWakeAt IS NOT NULL;

        CREATE TABLE History (
            InstanceId TEXT NOT NULL,
            Sequence INTEGER NOT NULL,
            EventType TEXT NOT NULL,
            Event TEXT NOT NULL,
            PRIMARY KEY (InstanceId, Sequence)) WITHOUT ROWID;

        CREATE TABLE Inbox (
            Id INTEGER PRIMARY KEY AUTOINCREMENT,
            InstanceId TEXT NOT NULL,
            Generation INTEGER NULL,
            EventType TEXT NOT NULL,
            Event TEXT NOT NULL,
            Wakes INTEGER NOT NULL,
            EnqueuedAt INTEGER NOT NULL,
            VisibleAt INTEGER NOT NULL,
            DequeueCount INTEGER NOT NULL DEFAULT 0);
        CREATE INDEX IX_Inbox_Instance ON Inbox(InstanceId, Id);

        CREATE TABLE Tasks (
            Id INTEGER PRIMARY KEY AUTOINCREMENT,
            InstanceId TEXT NOT NULL,
            Generation INTEGER NOT NULL,
            TaskId INTEGER NOT NULL,
            Name TEXT NOT NULL,
            Queue TEXT NOT NULL,
            Input TEXT NULL,
            Attempt INTEGER NOT NULL,
            EnqueuedAt INTEGER NOT NULL,
            -- Equals LockedUntil while locked, so one index finds both new and expired items.
            VisibleAt INTEGER NOT NULL,
            DispatchCount INTEGER NOT NULL DEFAULT 0,
            LockedBy TEXT NULL,
            LockToken TEXT NULL,
            LockedUntil INTEGER NULL,
            HeartbeatDetails TEXT NULL,
            HeartbeatTimeoutTicks INTEGER NULL);
        CREATE INDEX IX_Tasks_Queue ON Tasks(Queue, VisibleAt, Id);
        CREATE INDEX IX_Tasks_Instance ON Tasks(InstanceId);
        """,
    ];

    public static int LatestVersion => _migrations.Length;

    /// <summary>Applies the missing migrations in one write transaction.</summary>
    /// <returns>The version before.</returns>
    public static int Migrate(SqliteConnection connection, SqliteTransaction transaction, DateTimeOffset now)
    {
        Execute(connection, transaction, "CREATE TABLE IF NOT EXISTS SchemaVersions (Version INTEGER PRIMARY KEY NOT NULL, AppliedAt INTEGER NOT NULL)");
        using var read = connection.CreateCommand();
        read.Transaction = transaction;
        read.CommandText = "SELECT COALESCE(MAX(Version), 0) FROM SchemaVersions";
        var current = Convert.ToInt32(read.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
        if (current > LatestVersion)
        {
            throw new InvalidOperationException(
                $"The task hub database has schema version {current}, newer than this engine's {LatestVersion}; upgrade the engine.");
        }
        for (var version = current + 1; version <= LatestVersion; version++)
        {
            Execute(connection, transaction, _migrations[version - 1]);
            using var record = connection.CreateCommand();
            record.Transaction = transaction;
            record.CommandText = "INSERT INTO SchemaVersions (Version, AppliedAt) VALUES ($v, $at)";
            record.Parameters.AddWithValue("$v", version);
            record.Parameters.AddWithValue("$at", now.UtcTicks);
            record.ExecuteNonQuery();
        }
        return current;
    }

    private static void Execute(SqliteConnection connection, SqliteTransaction transaction, string sql)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
