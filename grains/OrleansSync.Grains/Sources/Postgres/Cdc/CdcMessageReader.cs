using Npgsql.Replication.PgOutput.Messages;

namespace OrleansSync.Sources.Postgres.Cdc;

/// <summary>Turns the table's row messages into <see cref="CdcChange"/>s, checking each relation message against the table's shape.</summary>
internal sealed class CdcMessageReader(TableShape shape)
{
    private readonly int[] _key = [.. shape.Key.Select(k => shape.Columns.ToList().FindIndex(c => c.Name == k.Name))];

    /// <summary>The change <paramref name="message"/> makes to the table, or null for one that makes none here.</summary>
    /// <exception cref="PostgresSourceException">The table's columns changed on the source.</exception>
    public async Task<CdcChange?> ReadAsync(PgOutputReplicationMessage message, CancellationToken cancellationToken)
    {
        switch (message)
        {
            case RelationMessage relation:
                Check(relation);
                return null;
            case InsertMessage insert:
                return new CdcChange(CdcChangeKind.Insert, (await CdcChange.ReadAsync(insert.NewRow, cancellationToken)).Values);
            case IndexUpdateMessage update:
                var oldKey = Key((await CdcChange.ReadAsync(update.Key, cancellationToken)).Values);
                return await UpdateAsync(update, oldKey, cancellationToken);
            case FullUpdateMessage update:
                var oldRow = Key((await CdcChange.ReadAsync(update.OldRow, cancellationToken)).Values);
                return await UpdateAsync(update, oldRow, cancellationToken);
            case UpdateMessage update:
                return await UpdateAsync(update, null, cancellationToken);
            case KeyDeleteMessage delete:
                return new CdcChange(CdcChangeKind.Delete, OldKey: Key((await CdcChange.ReadAsync(delete.Key, cancellationToken)).Values));
            case FullDeleteMessage delete:
                return new CdcChange(CdcChangeKind.Delete, OldKey: Key((await CdcChange.ReadAsync(delete.OldRow, cancellationToken)).Values));
            case TruncateMessage truncate when truncate.Relations.Any(r => r.Namespace == shape.Table.Schema && r.RelationName == shape.Table.Name):
                return new CdcChange(CdcChangeKind.Truncate);
            default:
                return null;
        }
    }

    private static async Task<CdcChange> UpdateAsync(UpdateMessage update, string?[]? oldKey, CancellationToken cancellationToken)
    {
        var (values, unchanged) = await CdcChange.ReadAsync(update.NewRow, cancellationToken);
        return new CdcChange(CdcChangeKind.Update, values, unchanged, oldKey);
    }

    private string?[] Key(string?[] row) => [.. _key.Select(i => row[i])];

    private void Check(RelationMessage relation)
    {
        var names = relation.Columns.Select(static c => c.ColumnName).ToList();
        var expected = shape.Columns.Select(static c => c.Name).ToList();
        if (names.SequenceEqual(expected))
        {
            return;
        }

        var added = names.Except(expected).FirstOrDefault();
        var dropped = expected.Except(names).FirstOrDefault();
        throw new PostgresSourceException(
            added is not null ? $"Source table {shape.Table} has a new column {SqlIdentifier.Display(added)}, which its mirror lacks: change capture waits; add the column to the mirror table (same type), then it goes on."
            : dropped is not null ? $"Column {SqlIdentifier.Display(dropped)} of source table {shape.Table} was dropped: change capture waits; drop it from the mirror table too, then it goes on."
            : $"The columns of source table {shape.Table} were reordered: change capture waits; make the mirror table's columns match, then it goes on.");
    }
}
