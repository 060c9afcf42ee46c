using Npgsql;
using NpgsqlTypes;
using OrleansSync.Projects;

namespace OrleansSync.Sources.Postgres.Cdc;

/// <summary>
/// What change capture needs of the source: <c>wal_level = logical</c>, a role allowed to replicate, and a
/// publication per captured table (<see cref="CdcNames"/>), made by the project at <c>project add</c> and again by a
/// task that finds it gone. Names are ours and quoted; values are parameters.
/// </summary>
internal static class CdcSource
{
    private const string WalLevelSql = "SELECT current_setting('wal_level')";
    private const string CurrentLsnSql = "SELECT pg_current_wal_lsn()";
    private const string LagSql = "SELECT pg_current_wal_lsn(), (SELECT confirmed_flush_lsn FROM pg_replication_slots WHERE slot_name = @slot)";
    private const string CanReplicateSql = "SELECT rolreplication OR rolsuper FROM pg_roles WHERE rolname = current_user";
    private const string PublishesSql = """
        SELECT EXISTS (SELECT 1 FROM pg_publication WHERE pubname = @name),
               EXISTS (SELECT 1 FROM pg_publication_tables WHERE pubname = @name AND schemaname = @schema AND tablename = @table)
        """;

    /// <summary>Why a source whose <c>wal_level</c> is <paramref name="walLevel"/> cannot be captured, or null when it can.</summary>
    public static string? WalLevelRefusal(string walLevel, string variable) => walLevel == "logical"
        ? null
        : $"The source database of {variable} (--source-conn-env) has wal_level = {walLevel}, and change capture (--mode cdc) needs wal_level = logical: set it on the source server (ALTER SYSTEM SET wal_level = logical, then restart the server), or use --mode snapshot.";

    /// <summary>At <c>project add</c>: the server and role can capture, and every table has its publication.</summary>
    /// <exception cref="PostgresSourceException">Naming the setting, the role or the table.</exception>
    public static async Task PrepareAsync(NpgsqlConnection source, ProjectSpec spec, string variable, CancellationToken cancellationToken)
    {
        await CheckServerAsync(source, variable, cancellationToken);
        foreach (var (table, names) in CdcNames.Of(ProjectIds.Normalize(spec.ProjectId), spec.Streams))
        {
            await EnsurePublicationAsync(source, table, names, cancellationToken);
        }
    }

    public static async Task CheckServerAsync(NpgsqlConnection source, string variable, CancellationToken cancellationToken)
    {
        try
        {
            if (WalLevelRefusal((string)(await ScalarAsync(source, WalLevelSql, cancellationToken))!, variable) is { } refusal)
            {
                throw new PostgresSourceException(refusal);
            }

            if (await ScalarAsync(source, CanReplicateSql, cancellationToken) is not true)
            {
                throw new PostgresSourceException(
                    $"The role of {variable} (--source-conn-env) may not replicate, which change capture (--mode cdc) needs: ALTER ROLE ... REPLICATION on the source server (a superuser does it), or use --mode snapshot.");
            }
        }
        catch (NpgsqlException e)
        {
            throw new PostgresSourceException($"Checking the source database of {variable} for change capture failed: {PostgresSourceConnection.Describe(e)}.");
        }
    }

    /// <summary>
    /// The source's WAL written so far: every transaction committed before this call ends at or before it (a commit
    /// returns once its WAL is written), so a capture checkpointed at or past it has applied all of them.
    /// </summary>
    public static async Task<NpgsqlLogSequenceNumber> CurrentLsnAsync(NpgsqlConnection source, string variable, CancellationToken cancellationToken)
    {
        try
        {
            return (NpgsqlLogSequenceNumber)(await ScalarAsync(source, CurrentLsnSql, cancellationToken))!;
        }
        catch (NpgsqlException e)
        {
            throw new PostgresSourceException($"Reading the WAL position of the source database of {variable} failed: {PostgresSourceConnection.Describe(e)}.");
        }
    }

    /// <summary>The source's WAL position now, and the slot's confirmed position (null while there is no slot).</summary>
    public static async Task<(NpgsqlLogSequenceNumber Current, NpgsqlLogSequenceNumber? Confirmed)> SlotPositionsAsync(
        NpgsqlConnection source, CdcNames names, string variable, CancellationToken cancellationToken)
    {
        try
        {
            await using var command = new NpgsqlCommand(LagSql, source);
            command.Parameters.Add(new NpgsqlParameter("slot", NpgsqlDbType.Text) { Value = names.Slot });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            await reader.ReadAsync(cancellationToken);
            return (reader.GetFieldValue<NpgsqlLogSequenceNumber>(0), reader.IsDBNull(1) ? null : reader.GetFieldValue<NpgsqlLogSequenceNumber>(1));
        }
        catch (NpgsqlException e)
        {
            throw new PostgresSourceException($"Reading the replication slot {names.Slot} on the source database of {variable} failed: {PostgresSourceConnection.Describe(e)}.");
        }
    }

    /// <summary>Makes the table's publication, or adds the table to it when someone took it out.</summary>
    public static async Task EnsurePublicationAsync(NpgsqlConnection source, TableName table, CdcNames names, CancellationToken cancellationToken)
    {
        try
        {
            await using var check = new NpgsqlCommand(PublishesSql, source);
            check.Parameters.Add(new NpgsqlParameter("name", NpgsqlDbType.Text) { Value = names.Publication });
            check.Parameters.Add(new NpgsqlParameter("schema", NpgsqlDbType.Text) { Value = table.Schema });
            check.Parameters.Add(new NpgsqlParameter("table", NpgsqlDbType.Text) { Value = table.Name });
            bool exists, publishes;
            await using (var reader = await check.ExecuteReaderAsync(cancellationToken))
            {
                await reader.ReadAsync(cancellationToken);
                (exists, publishes) = (reader.GetBoolean(0), reader.GetBoolean(1));
            }

            // DDL takes no parameters: both names are quoted identifiers, the publication's ours.
            var publication = SqlIdentifier.Quote(names.Publication);
            var ddl = !exists ? $"CREATE PUBLICATION {publication} FOR TABLE {table.Sql}"
                : !publishes ? $"ALTER PUBLICATION {publication} SET TABLE {table.Sql}"
                : null;
            if (ddl is not null)
            {
                await using var create = new NpgsqlCommand(ddl, source);
                await create.ExecuteNonQueryAsync(cancellationToken);
            }
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.DuplicateObject)
        {
            // Another silo made it at the same moment.
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.InsufficientPrivilege)
        {
            throw new PostgresSourceException(
                $"Creating publication {names.Publication} for source table {table} was refused ({e.SqlState}: {e.MessageText}): change capture publishes each table, which only the table's owner may do; connect as its owner, or create it as a superuser: CREATE PUBLICATION {SqlIdentifier.Quote(names.Publication)} FOR TABLE {table.Sql}.");
        }
        catch (NpgsqlException e)
        {
            throw new PostgresSourceException($"Creating publication {names.Publication} for source table {table} failed: {PostgresSourceConnection.Describe(e)}.");
        }
    }

    private static async Task<object?> ScalarAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteScalarAsync(cancellationToken);
    }
}
