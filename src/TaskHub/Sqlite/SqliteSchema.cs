using System.Globalization;
using Microsoft.Data.Sqlite;

namespace RankDistill.TaskHub.Sqlite;

/// <summary>
/// The schema as numbered migrations, applied in order in one write transaction and recorded in
/// TaskHubSchemaVersions, so a newer provider upgrades an older file in place. Never edit a shipped
/// migration: add one. Every table starts with TaskHub (one file holds several hubs). Times are UTC
/// ticks (INTEGER) so comparisons are exact and indexable; statuses and event types are names, so the
/// file reads well in the sqlite3 shell.
/// </summary>
internal static class SqliteSchema
{
    private static readonly string[] _migrations =
    [
        // 1: instances; the current execution's history; each instance's inbox of messages not yet
        // processed (VisibleAt in the future: a durable timer or a scheduled start); activity tasks.
        """
        CREATE TABLE Instances (
            TaskHub TEXT NOT NULL,
            InstanceId TEXT NOT NULL,
            ExecutionId TEXT NOT NULL,
            Name TEXT NOT NULL,
            Version TEXT NULL,
            Status TEXT NOT NULL,
            Generation INTEGER NOT NULL,
            CreatedAt INTEGER NOT NULL,
            UpdatedAt INTEGER NOT NULL,
            CompletedAt INTEGER NULL,
            ScheduledStartAt INTEGER NULL,
            Input TEXT NULL,
            Output TEXT NULL,
            CustomStatus TEXT NULL,
            FailureDetails TEXT NULL,
            Tags TEXT NULL,
            Parent TEXT NULL,
            LockedBy TEXT NULL,
            LockToken TEXT NULL,
            LockedUntil INTEGER NULL,
            PRIMARY KEY (TaskHub, InstanceId));
        CREATE INDEX IX_Instances_Created ON Instances (TaskHub, CreatedAt, InstanceId);

        CREATE TABLE History (
            TaskHub TEXT NOT NULL,
            InstanceId TEXT NOT NULL,
            Sequence INTEGER NOT NULL,
            ExecutionId TEXT NOT NULL,
            EventType TEXT NOT NULL,
            Event TEXT NOT NULL,
            PRIMARY KEY (TaskHub, InstanceId, Sequence));

        -- AUTOINCREMENT: an id is never reused, so deleting a work item's messages by id can never
        -- delete a message that arrived after them.
        CREATE TABLE Inbox (
            Id INTEGER PRIMARY KEY AUTOINCREMENT,
            TaskHub TEXT NOT NULL,
            InstanceId TEXT NOT NULL,
            ExecutionId TEXT NULL,
            EventType TEXT NOT NULL,
            Event TEXT NOT NULL,
            EnqueuedAt INTEGER NOT NULL,
            VisibleAt INTEGER NOT NULL,
            DequeueCount INTEGER NOT NULL DEFAULT 0);
        CREATE INDEX IX_Inbox_Visible ON Inbox (TaskHub, VisibleAt);
        CREATE INDEX IX_Inbox_Instance ON Inbox (TaskHub, InstanceId, VisibleAt);

        -- VisibleAt equals LockedUntil while locked, so one index finds new items and expired locks.
        CREATE TABLE Tasks (
            Id INTEGER PRIMARY KEY AUTOINCREMENT,
            TaskHub TEXT NOT NULL,
            InstanceId TEXT NOT NULL,
            ExecutionId TEXT NULL,
            Name TEXT NOT NULL,
            TaskId INTEGER NOT NULL,
            Event TEXT NOT NULL,
            Context TEXT NULL,
            EnqueuedAt INTEGER NOT NULL,
            VisibleAt INTEGER NOT NULL,
            DispatchCount INTEGER NOT NULL DEFAULT 0,
            LockedBy TEXT NULL,
            LockToken TEXT NULL,
            LockedUntil INTEGER NULL);
        CREATE INDEX IX_Tasks_Visible ON Tasks (TaskHub, VisibleAt, Id);
        CREATE INDEX IX_Tasks_Instance ON Tasks (TaskHub, InstanceId);
        """,
    ];

    public static int LatestVersion => _migrations.Length;

    /// <summary>Applies the missing migrations; returns the version the file had before.</summary>
    public static int Migrate(SqliteConnection connection, SqliteTransaction transaction, long nowTicks)
    {
        connection.Execute(transaction, "CREATE TABLE IF NOT EXISTS TaskHubSchemaVersions (Version INTEGER PRIMARY KEY NOT NULL, AppliedAt INTEGER NOT NULL)");
        var current = Convert.ToInt32(connection.Scalar(transaction, "SELECT COALESCE(MAX(Version), 0) FROM TaskHubSchemaVersions"), CultureInfo.InvariantCulture);
        if (current > LatestVersion)
        {
            throw new InvalidOperationException(
                $"The task hub file has schema version {current}, newer than this provider's {LatestVersion}: upgrade RankDistill.");
        }
        for (var version = current + 1; version <= LatestVersion; version++)
        {
            connection.Execute(transaction, _migrations[version - 1]);
            connection.Execute(transaction, "INSERT INTO TaskHubSchemaVersions (Version, AppliedAt) VALUES ($v, $at)", ("$v", version), ("$at", nowTicks));
        }
        return current;
    }
}
