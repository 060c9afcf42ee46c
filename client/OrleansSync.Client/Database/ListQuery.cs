using Npgsql;
using OrleansSync.Client.Connection;

namespace OrleansSync.Client.Database;

/// <summary>
/// Runs one read-only query of the CLI's list commands straight against PostgreSQL: named parameters (a null one
/// means "no filter"), one row mapped at a time, and an unreachable database reported as the CLI's exit-3 error.
/// </summary>
public static class ListQuery
{
    public static Task<List<T>> ReadAsync<T>(
        ClientSettings settings, string sql, IReadOnlyList<(string Name, object? Value)> parameters, Func<NpgsqlDataReader, T> map, CancellationToken cancellationToken) =>
        ReadAsync(
            settings,
            async (dataSource, ct) =>
            {
                await using var command = dataSource.CreateCommand(sql);
                foreach (var (name, value) in parameters)
                {
                    command.Parameters.AddWithValue(name, value ?? DBNull.Value);
                }

                var rows = new List<T>();
                await using var reader = await command.ExecuteReaderAsync(ct);
                while (await reader.ReadAsync(ct))
                {
                    rows.Add(map(reader));
                }

                return rows;
            },
            cancellationToken);

    /// <summary>A read shared with the silo (the schema's <c>Reads</c>), on a data source of the client's settings.</summary>
    public static async Task<T> ReadAsync<T>(ClientSettings settings, Func<NpgsqlDataSource, CancellationToken, Task<T>> read, CancellationToken cancellationToken)
    {
        await using var dataSource = NpgsqlDataSource.Create(settings.Postgres);
        try
        {
            return await read(dataSource, cancellationToken);
        }
        catch (NpgsqlException e) when (e is not PostgresException)
        {
            throw settings.PostgresUnreachable(e);
        }
    }
}
