namespace RankDistill.Durable.Postgres;

/// <summary>Settings of the PostgreSQL task hub, shared by every worker and client process.</summary>
public sealed class PostgresBackendOptions
{
    /// <summary>An Npgsql connection string. Unless it sets them, this backend adds an application name
    /// (<c>rankdistill-durable</c>, so operators can tell its sessions apart) and automatic preparation of
    /// its statements (<c>Max Auto Prepare=64</c>: each is parsed and planned once per connection).</summary>
    public string ConnectionString { get; set; } = "";

    /// <summary>
    /// The PostgreSQL schema that holds the hub's tables (created when missing): several hubs can share one
    /// database under different schemas. Lower-case letters, digits and underscores, starting with a letter
    /// or underscore, so it never needs quoting. The KEDA scale query in infra/bicep/main.bicep assumes
    /// the default.
    /// </summary>
    public string SchemaName { get; set; } = "durable";

    /// <summary>
    /// True (the default): commits that enqueue work send a NOTIFY, and each process LISTENs, so idle
    /// workers (and clients waiting for an instance) in every process wake at once. Polling stays on as
    /// the fallback, so false only adds latency (up to the worker's <c>MaxPollInterval</c>) for work
    /// enqueued by another process; it spares PostgreSQL the lock that serializes notifying commits.
    /// </summary>
    public bool Notifications { get; set; } = true;

    /// <summary>
    /// Attempts of an operation whose connection failed before it could commit, or whose transaction the
    /// server rolled back (deadlock, serialization failure, session ended by a restart). A connection lost
    /// while a write was committing is not retried here: its outcome is unknown, and the engine's redelivery
    /// after the lock expires handles it (fencing keeps it from being applied twice).
    /// </summary>
    public int MaxAttempts { get; set; } = 5;

    /// <summary>The wait before the second attempt; doubles with each attempt after.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMilliseconds(100);
}
