namespace OrleansSync.Sources.Postgres;

/// <summary>How a PostgreSQL source is read (<c>--mode</c>).</summary>
public static class PostgresModes
{
    /// <summary>A consistent copy of each table, merged into its mirror: inserts, updates and deletes.</summary>
    public const string Snapshot = "snapshot";

    /// <summary>Modes the CLI names that this version does not run yet.</summary>
    private static readonly string[] Planned = ["cursor", "cdc"];

    /// <summary>The mode asked for, snapshot by default.</summary>
    /// <exception cref="InvalidRequestException">A mode not supported (yet), naming the one that is.</exception>
    public static string Normalise(string? mode) => mode switch
    {
        null or "" or Snapshot => Snapshot,
        _ when Planned.Contains(mode) => throw new InvalidRequestException(
            $"--mode {mode} is not supported yet: this cluster reads PostgreSQL sources by snapshot only (--mode snapshot, the default)."),
        _ => throw new InvalidRequestException($"Unknown --mode '{mode}': a postgres source is read by snapshot (--mode snapshot)."),
    };
}
