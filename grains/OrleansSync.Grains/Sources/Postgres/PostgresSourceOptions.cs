using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace OrleansSync.Sources.Postgres;

/// <summary>How PostgreSQL sources are read. Bound from <see cref="Section"/>.</summary>
public sealed class PostgresSourceOptions
{
    public const string Section = "OrleansSync:Postgres";

    /// <summary>
    /// Rows per snapshot or cursor chunk: each lands in one transaction with its checkpoint, so a kill re-reads at most
    /// this many. A chunk costs about 40 ms beside its rows (its transactions, checkpoint and report): at 10,000 rows
    /// that was a fifth of a snapshot's time.
    /// </summary>
    [Range(1, 10_000_000)]
    public int ChunkRows { get; set; } = 50_000;

    /// <summary>Time to open a connection to a source database (and, at <c>project add</c>, to check it).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(10);
}

[OptionsValidator]
public sealed partial class PostgresSourceOptionsValidator : IValidateOptions<PostgresSourceOptions>;
