namespace RankDistill.Workflows.Hosting;

/// <summary>Where the durable task engine keeps orchestration state (<c>TaskHub:Kind</c>).</summary>
public enum TaskHubKind
{
    /// <summary>One SQLite file: embedded, one machine (<c>TaskHub:SqlitePath</c>).</summary>
    Sqlite,

    /// <summary>A PostgreSQL database shared by workers on many machines (<c>TaskHub:ConnectionString</c>).</summary>
    Postgres,
}
