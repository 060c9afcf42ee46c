namespace OrleansSync.Sources.Postgres;

/// <summary>How a PostgreSQL source is read (<c>--mode</c>).</summary>
public static class PostgresModes
{
    /// <summary>A consistent copy of each table, merged into its mirror: inserts, updates and deletes.</summary>
    public const string Snapshot = "snapshot";

    /// <summary>Rows past the last (cursor column, primary key) landed, upserted into the mirror: inserts and updates, not deletes.</summary>
    public const string Cursor = "cursor";

    /// <summary>Change capture: a snapshot consistent with a logical replication slot, then every change the slot streams.</summary>
    public const string Cdc = "cdc";

    /// <summary>The mode asked for, snapshot by default.</summary>
    /// <exception cref="InvalidRequestException">A mode not supported (yet), naming the one that is.</exception>
    public static string Normalise(string? mode) => mode switch
    {
        null or "" or Snapshot => Snapshot,
        Cursor => Cursor,
        Cdc => Cdc,
        _ => throw new InvalidRequestException($"Unknown --mode '{mode}': a postgres source is read by snapshot (--mode snapshot), cursor (--mode cursor --cursor-column COL) or change capture (--mode cdc)."),
    };
}
