using Npgsql;

namespace RankDistill.Durable.Tests.Postgres;

/// <summary>Direct SQL for tests that look at or tamper with a hub behind the backend's back.</summary>
internal static class Pg
{
    /// <summary>A fresh schema name, so each test gets an empty hub in its class's database.</summary>
    public static string NewSchema() => "t" + Guid.NewGuid().ToString("N")[..12];

    public static async Task<int> ExecuteAsync(string connectionString, string sql, params object?[] values)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        await using var command = Command(connection, sql, values);
        return await command.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
    }

    public static async Task<T> ScalarAsync<T>(string connectionString, string sql, params object?[] values)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        await using var command = Command(connection, sql, values);
        return (T)(await command.ExecuteScalarAsync(TestContext.Current.CancellationToken))!;
    }

    public static NpgsqlCommand Command(NpgsqlConnection connection, string sql, params object?[] values)
    {
        var command = new NpgsqlCommand(sql, connection);
        foreach (var value in values)
            command.Parameters.Add(new NpgsqlParameter { Value = value ?? DBNull.Value });
        return command;
    }

    /// <summary>Ends every session of the database that has <paramref name="applicationName"/>, the way a server
    /// restart or a network failure would; returns how many it ended.</summary>
    public static Task<long> TerminateSessionsAsync(string connectionString, string applicationName) =>
        ScalarAsync<long>(connectionString,
            "SELECT COUNT(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = $1 AND pid <> pg_backend_pid()", applicationName);

    public static Task DropSchemaAsync(string connectionString, string schema) =>
        ExecuteAsync(connectionString, $"DROP SCHEMA IF EXISTS {schema} CASCADE");
}
