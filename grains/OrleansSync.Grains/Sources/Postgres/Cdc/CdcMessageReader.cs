using Npgsql.Replication.PgOutput.Messages;

namespace OrleansSync.Sources.Postgres.Cdc;

/// <summary>Turns the table's row messages into <see cref="CdcChange"/>s, values in the order of <paramref name="shape"/>'s columns (the last relation message's).</summary>
internal sealed class CdcMessageReader(TableShape shape)
{
    private readonly int[] _key = [.. shape.Key.Select(k => shape.Columns.ToList().FindIndex(c => c.Name == k.Name))];

    /// <summary>The change <paramref name="message"/> makes to the table, or null for one that makes none here.</summary>
    public async Task<CdcChange?> ReadAsync(PgOutputReplicationMessage message, CancellationToken cancellationToken)
    {
        switch (message)
        {
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

    /// <summary>Whether a relation message listing <paramref name="columns"/> leaves the shape as it is.</summary>
    public bool Matches(IReadOnlyList<string> columns) => columns.SequenceEqual(shape.Columns.Select(static c => c.Name));
}
