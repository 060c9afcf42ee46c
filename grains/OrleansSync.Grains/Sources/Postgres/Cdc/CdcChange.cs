using Npgsql.Replication.PgOutput;

namespace OrleansSync.Sources.Postgres.Cdc;

/// <summary>What one change does to a row, copied out of its replication message (Npgsql reuses messages).</summary>
internal enum CdcChangeKind
{
    Insert,
    Update,
    Delete,
    Truncate,
}

/// <summary>
/// One change of the captured table, values as the source's text: <paramref name="Row"/> in the table's column order
/// (null for SQL NULL), <paramref name="Unchanged"/> marking TOASTed values the source did not send because the update
/// left them as they were, <paramref name="OldKey"/> the key columns before an update that changed them or of a deleted row.
/// </summary>
internal sealed record class CdcChange(CdcChangeKind Kind, string?[]? Row = null, bool[]? Unchanged = null, string?[]? OldKey = null)
{
    /// <summary>Copies a tuple's values now, before the next message overwrites them.</summary>
    public static async Task<(string?[] Values, bool[] Unchanged)> ReadAsync(ReplicationTuple tuple, CancellationToken cancellationToken)
    {
        var values = new string?[tuple.NumColumns];
        var unchanged = new bool[tuple.NumColumns];
        var i = 0;
        await foreach (var value in tuple.WithCancellation(cancellationToken))
        {
            if (value.IsUnchangedToastedValue)
            {
                unchanged[i] = true;
            }
            else if (!value.IsDBNull)
            {
                values[i] = await value.Get<string>(cancellationToken);
            }

            i++;
        }

        return (values, unchanged);
    }
}
