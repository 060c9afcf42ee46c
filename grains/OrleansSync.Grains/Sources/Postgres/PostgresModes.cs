namespace OrleansSync.Sources.Postgres;

/// <summary>How a PostgreSQL source is read (<c>--mode</c>).</summary>
public static class PostgresModes
{
    /// <summary>A consistent copy of each table, merged into its mirror: inserts, updates and deletes.</summary>
    public const string Snapshot = "snapshot";

    /// <summary>Change capture: a snapshot consistent with a logical replication slot, then every change the slot streams.</summary>
    public const string Cdc = "cdc";

    /// <summary>Modes the CLI names that this version does not run yet.</summary>
    private static readonly string[] Planned = ["cursor"];

    /// <summary>The mode asked for, snapshot by default.</summary>
    /// <exception cref="InvalidRequestException">A mode not supported (yet), naming the one that is.</exception>
    public static string Normalise(string? mode) => mode switch
    {
        null or "" or Snapshot => Snapshot,
        Cdc => Cdc,
        _ when Planned.Contains(mode) => throw new InvalidRequestException(
            $"--mode {mode} is not supported yet: this cluster reads PostgreSQL sources by snapshot (--mode snapshot, the default) or change capture (--mode cdc)."),
        _ => throw new InvalidRequestException($"Unknown --mode '{mode}': a postgres source is read by snapshot (--mode snapshot) or change capture (--mode cdc)."),
    };
}
