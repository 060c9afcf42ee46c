using Npgsql;
using OrleansSync.Client.Connection;

namespace OrleansSync.Client.Database;

/// <summary>
/// Runs one read-only query of the CLI's list commands straight against PostgreSQL: named parameters (a null one
/// means "no filter"), one row mapped at a time, and an unreachable database reported as the CLI's exit-3 error.
/// </summary>
public static class ListQuery
{
    public static async Task<List<T>> ReadAsync<T>(
        ClientSettings settings, string sql, IReadOnlyList<(string Name, object? Value)> parameters, Func<NpgsqlDataReader, T> map, CancellationToken cancellationToken)
    {
        await using var dataSource = NpgsqlDataSource.Create(settings.Postgres);
        await using var command = dataSource.CreateCommand(sql);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }

        var rows = new List<T>();
        try
        {
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                rows.Add(map(reader));
            }
        }
        catch (NpgsqlException e) when (e is not PostgresException)
        {
            throw settings.PostgresUnreachable(e);
        }

        return rows;
    }
}
