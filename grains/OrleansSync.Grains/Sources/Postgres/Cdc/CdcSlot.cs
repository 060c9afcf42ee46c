using Npgsql;
using Npgsql.Replication;
using Npgsql.Replication.PgOutput;
using NpgsqlTypes;

namespace OrleansSync.Sources.Postgres.Cdc;

/// <summary>A captured table's logical replication slot (<c>pgoutput</c>) on the source: made, found, dropped.</summary>
internal static class CdcSlot
{
    private const string ExistsSql = "SELECT EXISTS (SELECT 1 FROM pg_replication_slots WHERE slot_name = @slot)";
    private const string DropSql = "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = @slot";

    /// <summary>A replication connection to the source, as the role and database of the project's connection string.</summary>
    public static async Task<LogicalReplicationConnection> OpenAsync(PostgresSourceConnection source, CancellationToken cancellationToken)
    {
        var replication = new LogicalReplicationConnection(source.ConnectionString);
        try
        {
            await replication.Open(cancellationToken);
            return replication;
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException)
        {
            await replication.DisposeAsync();
            throw new PostgresSourceException($"Opening a replication connection to the source database of {source.Variable} failed: {PostgresSourceConnection.Describe(e)}.");
        }
    }

    /// <summary>
    /// A new slot with its snapshot exported: the snapshot holds exactly what the slot will not stream, for as long as
    /// <paramref name="replication"/> stays open and runs nothing else.
    /// </summary>
    public static async Task<PgOutputReplicationSlot> CreateAsync(LogicalReplicationConnection replication, CdcNames names, CancellationToken cancellationToken)
    {
        try
        {
            return await replication.CreatePgOutputReplicationSlot(names.Slot, temporarySlot: false, slotSnapshotInitMode: LogicalSlotSnapshotInitMode.Export, cancellationToken: cancellationToken);
        }
        catch (PostgresException e)
        {
            throw new PostgresSourceException($"Creating replication slot {names.Slot} on the source failed ({e.SqlState}: {e.MessageText}){Hint(e)}.");
        }
    }

    public static async Task<bool> ExistsAsync(NpgsqlConnection source, CdcNames names, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(ExistsSql, source);
        command.Parameters.Add(new NpgsqlParameter("slot", NpgsqlDbType.Text) { Value = names.Slot });
        return (bool)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    /// <summary>Drops the slot when there is one.</summary>
    /// <exception cref="PostgresException">55006 when a connection still streams from it.</exception>
    public static async Task DropAsync(NpgsqlConnection source, CdcNames names, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(DropSql, source);
        command.Parameters.Add(new NpgsqlParameter("slot", NpgsqlDbType.Text) { Value = names.Slot });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static string Hint(PostgresException e) => e.SqlState switch
    {
        PostgresErrorCodes.ConfigurationLimitExceeded => ": the source's max_replication_slots are all taken; raise it (restart needed) or drop unused slots (SELECT slot_name FROM pg_replication_slots)",
        PostgresErrorCodes.ObjectInUse => ": a connection still uses it (a task on another silo?); it is retried",
        _ => "",
    };
}
