using Npgsql;
using NpgsqlTypes;
using OrleansSync.Mirror;
using OrleansSync.Pipeline;

namespace OrleansSync.Sources.Postgres.Cdc;

/// <summary>
/// Lands a batch of changes in the mirror, in the source's order, with the checkpoint, in one transaction. Every
/// statement sets rows to what the change says (upserts of whole rows, deletes by key), so applying a batch again over
/// a mirror that already holds some of it leaves the same mirror: a kill between the commit and the slot's
/// acknowledgement, or midway through a large source transaction, is replayed safely. A value the source left TOASTed
/// and unchanged is left out of its update, so the mirror keeps its own. Consecutive upserts go as one statement
/// (<see cref="CdcUpsertRun"/>): a statement per change cost the silo and the server more than the change itself.
/// </summary>
internal sealed class CdcApply(TableShape source, TableName mirror)
{
    private readonly int[] _key = [.. source.Key.Select(k => source.Columns.ToList().FindIndex(c => c.Name == k.Name))];

    public async Task<PageWriteResult> LandAsync(NpgsqlDataSource target, IReadOnlyList<CdcChange> changes, Checkpoint checkpoint, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await target.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var (inserted, updated) = (0, 0);
        if (changes.Count > 0)
        {
            await using var batch = new NpgsqlBatch(connection, transaction);
            CdcUpsertRun? run = null;
            foreach (var change in changes)
            {
                if (change.Kind == CdcChangeKind.Insert || (change.Kind == CdcChangeKind.Update && !MovesKey(change)))
                {
                    if (run?.TryAdd(change.Row!, change.Unchanged) != true)
                    {
                        AddRun(batch, run);
                        run = new CdcUpsertRun(source, _key, change.Unchanged);
                        run.TryAdd(change.Row!, change.Unchanged);
                    }
                }
                else
                {
                    AddRun(batch, run);
                    run = null;
                    Add(batch, change);
                }

                inserted += change.Kind == CdcChangeKind.Insert ? 1 : 0;
                updated += change.Kind == CdcChangeKind.Update ? 1 : 0;
            }

            AddRun(batch, run);
            await batch.ExecuteNonQueryAsync(cancellationToken);
        }

        var result = new PageWriteResult(inserted, updated, 0, 0);
        await CheckpointTable.WriteAsync(connection, transaction, checkpoint, result, now, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return result;
    }

    private void AddRun(NpgsqlBatch batch, CdcUpsertRun? run)
    {
        if (run is { Count: > 0 })
        {
            batch.BatchCommands.Add(run.Command(mirror.Sql));
        }
    }

    private bool MovesKey(CdcChange change) =>
        change.OldKey is { } oldKey && !oldKey.SequenceEqual(_key.Select(i => change.Row![i]));

    /// <summary>A change that is no plain upsert (a delete, a truncate, an update moving its key), in a statement of its own.</summary>
    private void Add(NpgsqlBatch batch, CdcChange change)
    {
        switch (change.Kind)
        {
            case CdcChangeKind.Truncate:
                batch.BatchCommands.Add(new NpgsqlBatchCommand($"TRUNCATE {mirror.Sql}"));
                break;
            case CdcChangeKind.Delete:
                batch.BatchCommands.Add(DeleteByKey(change.OldKey!));
                break;
            case CdcChangeKind.Update:
                // The key moved: whatever holds the new key goes (a replay may have put it there), the old row takes
                // it, keeping its unchanged TOASTed values; the upsert after it covers a row the mirror lacked.
                batch.BatchCommands.Add(DeleteByKey([.. _key.Select(i => change.Row![i])]));
                batch.BatchCommands.Add(Move(change.OldKey!, change.Row!, change.Unchanged!));
                var upsert = new CdcUpsertRun(source, _key, change.Unchanged);
                upsert.TryAdd(change.Row!, change.Unchanged);
                AddRun(batch, upsert);
                break;
        }
    }

    private NpgsqlBatchCommand Move(string?[] oldKey, string?[] row, bool[] unchanged)
    {
        var columns = Enumerable.Range(0, source.Columns.Count).Where(i => !unchanged[i]).ToList();
        var command = new NpgsqlBatchCommand();
        var set = Values(command, columns, row);
        command.CommandText = $"UPDATE {mirror.Sql} SET ({string.Join(", ", columns.Select(i => source.Columns[i].Sql()))}) = ROW({set}) WHERE {KeyMatch(command, oldKey)}";
        return command;
    }

    private NpgsqlBatchCommand DeleteByKey(string?[] key)
    {
        var command = new NpgsqlBatchCommand();
        command.CommandText = $"DELETE FROM {mirror.Sql} WHERE {KeyMatch(command, key)}";
        return command;
    }

    private string KeyMatch(NpgsqlBatchCommand command, string?[] key) =>
        $"({source.KeyList()}) = ({string.Join(", ", source.Key.Select((k, j) => Parameter(command, key[j], k.Type)))})";

    private string Values(NpgsqlBatchCommand command, IEnumerable<int> columns, string?[] row) =>
        string.Join(", ", columns.Select(i => Parameter(command, row[i], source.Columns[i].Type)));

    // Every value travels as the source's text and is cast by the column's type (the catalog's own text, see
    // SourceCatalog): text input reads back exactly what the source printed.
    private static string Parameter(NpgsqlBatchCommand command, string? value, string type)
    {
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = (object?)value ?? DBNull.Value });
        return $"${command.Parameters.Count}::{type}";
    }
}
