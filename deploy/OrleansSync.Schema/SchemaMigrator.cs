using Microsoft.Extensions.Logging;
using Npgsql;

namespace OrleansSync.Schema;

/// <summary>
/// Applies the embedded migrations in order, each in its own transaction, recording them in
/// <c>sync.migrations</c>. A session-level advisory lock serialises migrators, so any number of
/// silos (and <c>orleanssync db migrate</c>) may start at once.
/// </summary>
public sealed partial class SchemaMigrator(NpgsqlDataSource dataSource, ILogger<SchemaMigrator> logger)
{
    // Any constant works; it only has to be the same for every migrator of this schema.
    private const long AdvisoryLockKey = 0x0_5A_7C_0_5C_4E_4A;

    public async Task<MigrationReport> MigrateAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await ExecuteAsync(connection, "SELECT pg_advisory_lock(@key)", cancellationToken, AdvisoryLockKey);
        try
        {
            await ExecuteAsync(connection, """
                CREATE SCHEMA IF NOT EXISTS sync;
                CREATE TABLE IF NOT EXISTS sync.migrations (
                    id         text PRIMARY KEY,
                    checksum   text NOT NULL,
                    applied_at timestamptz NOT NULL DEFAULT now()
                );
                """, cancellationToken);

            var recorded = await ReadAppliedAsync(connection, cancellationToken);
            var applied = new List<string>();
            var alreadyApplied = new List<string>();
            foreach (var migration in Migration.All)
            {
                if (recorded.TryGetValue(migration.Id, out var checksum))
                {
                    if (checksum != migration.Checksum)
                    {
                        throw new SchemaMigrationException(
                            $"Migration {migration.Id} was edited after it was applied (checksum {checksum[..12]} in sync.migrations, " +
                            $"{migration.Checksum[..12]} now). Add a new numbered migration under deploy/sql instead of editing an applied one.");
                    }

                    alreadyApplied.Add(migration.Id);
                    continue;
                }

                await ApplyAsync(connection, migration, cancellationToken);
                applied.Add(migration.Id);
                LogInformationApplied(logger, migration.Id);
            }

            return new MigrationReport(applied, alreadyApplied);
        }
        finally
        {
            // Closing the connection would release the lock too, but pooled connections are not closed.
            await ExecuteAsync(connection, "SELECT pg_advisory_unlock(@key)", CancellationToken.None, AdvisoryLockKey);
        }
    }

    private static async Task ApplyAsync(NpgsqlConnection connection, Migration migration, CancellationToken cancellationToken)
    {
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        try
        {
            await using (var script = new NpgsqlCommand(migration.Sql, connection, transaction))
            {
                await script.ExecuteNonQueryAsync(cancellationToken);
            }

            await using (var record = new NpgsqlCommand("INSERT INTO sync.migrations (id, checksum) VALUES (@id, @checksum)", connection, transaction))
            {
                record.Parameters.AddWithValue("id", migration.Id);
                record.Parameters.AddWithValue("checksum", migration.Checksum);
                await record.ExecuteNonQueryAsync(cancellationToken);
            }

            await transaction.CommitAsync(cancellationToken);
        }
        catch (PostgresException e)
        {
            throw new SchemaMigrationException($"Migration {migration.Id} failed and was rolled back: {e.MessageText} (SQLSTATE {e.SqlState}).", e);
        }
    }

    private static async Task<Dictionary<string, string>> ReadAppliedAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        var applied = new Dictionary<string, string>(StringComparer.Ordinal);
        await using var command = new NpgsqlCommand("SELECT id, checksum FROM sync.migrations", connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            applied[reader.GetString(0)] = reader.GetString(1);
        }

        return applied;
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken, long? key = null)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        if (key is { } value)
        {
            command.Parameters.AddWithValue("key", value);
        }

        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Applied schema migration {MigrationId}")]
    private static partial void LogInformationApplied(ILogger logger, string migrationId);
}
