using Npgsql;
using NpgsqlTypes;
using OrleansSync.Projects;

namespace OrleansSync.Sources.Postgres.Cdc;

/// <summary>
/// At <c>project remove</c>: drops each captured table's slot (a slot left behind keeps WAL on the source until its
/// disk fills) and publication. A slot still streamed from (a task cancelled a moment ago, whose connection the server
/// has not closed yet) is waited for a little, then its connection ended.
/// </summary>
internal static class CdcRemoval
{
    private static readonly TimeSpan InUseWait = TimeSpan.FromSeconds(10);

    private const string TerminateSql = "SELECT pg_terminate_backend(active_pid) FROM pg_replication_slots WHERE slot_name = @slot AND active_pid IS NOT NULL";

    /// <summary>Null when every slot and publication is gone; else what is left, why, and the SQL that drops it.</summary>
    public static async Task<string?> DropAsync(PostgresSourceConnection connection, ProjectSpec spec, TimeProvider time, CancellationToken cancellationToken)
    {
        var names = CdcNames.Of(ProjectIds.Normalize(spec.ProjectId), spec.Streams).Select(static n => n.Names).ToList();
        string? why = null;
        var left = new List<CdcNames>();
        try
        {
            await using var source = await connection.OpenAsync(cancellationToken);
            foreach (var name in names)
            {
                try
                {
                    await DropSlotAsync(source, name, time, cancellationToken);
                    await using var drop = new NpgsqlCommand($"DROP PUBLICATION IF EXISTS {SqlIdentifier.Quote(name.Publication)}", source);
                    await drop.ExecuteNonQueryAsync(cancellationToken);
                }
                catch (NpgsqlException e)
                {
                    why ??= PostgresSourceConnection.Describe(e);
                    left.Add(name);
                }
            }
        }
        catch (PostgresSourceException e)
        {
            why = e.Message;
            left = names;
        }

        if (left.Count == 0)
        {
            return null;
        }

        var sql = string.Join(" ", left.Select(static n => $"SELECT pg_drop_replication_slot('{n.Slot}') FROM pg_replication_slots WHERE slot_name = '{n.Slot}'; DROP PUBLICATION IF EXISTS {SqlIdentifier.Quote(n.Publication)};"));
        return $"The project is removed, but its replication slots and publications on the source could not be dropped ({why}): {string.Join(", ", left.Select(static n => n.Slot))}. "
            + $"A slot keeps the source's WAL until it is dropped, and can fill its disk: drop them by hand on the source database, as a superuser or the project's role: {sql}";
    }

    private static async Task DropSlotAsync(NpgsqlConnection source, CdcNames name, TimeProvider time, CancellationToken cancellationToken)
    {
        var deadline = time.GetUtcNow() + InUseWait;
        while (true)
        {
            try
            {
                await CdcSlot.DropAsync(source, name, cancellationToken);
                return;
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.ObjectInUse && time.GetUtcNow() < deadline)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(200), time, cancellationToken);
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.ObjectInUse)
            {
                // Still streamed from after the wait: the project is going, so its stream goes too.
                await using var terminate = new NpgsqlCommand(TerminateSql, source);
                terminate.Parameters.Add(new NpgsqlParameter("slot", NpgsqlDbType.Text) { Value = name.Slot });
                await terminate.ExecuteNonQueryAsync(cancellationToken);
                deadline = time.GetUtcNow() + InUseWait;
            }
        }
    }
}
