using System.Globalization;
using Npgsql;

namespace RankDistill.Bench;

/// <summary>The scale-out benchmark's <c>--statements</c> view: PostgreSQL's time per statement (pg_stat_statements).</summary>
internal static class ScaleoutStatements
{
    public static async Task ResetAsync(string connectionString, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand("CREATE EXTENSION IF NOT EXISTS pg_stat_statements; SELECT pg_stat_statements_reset();", connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public static async Task PrintAsync(string connectionString, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand("""
            SELECT calls, total_exec_time, rows, regexp_replace(left(query, 90), '\s+', ' ', 'g')
            FROM pg_stat_statements ORDER BY total_exec_time DESC LIMIT 14
            """, connection);
        await using var r = await command.ExecuteReaderAsync(cancellationToken);
        Console.WriteLine("    calls   total ms   rows  statement");
        while (await r.ReadAsync(cancellationToken))
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {r.GetInt64(0),7} {r.GetDouble(1),10:F0} {r.GetInt64(2),6}  {r.GetString(3)}"));
        }
    }
}
