namespace OrleansSync.Sources;

/// <summary>What a streaming source says of one task's stream.</summary>
/// <param name="Position">Where the source is now (a PostgreSQL server's WAL position).</param>
/// <param name="Confirmed">What the source holds as applied for this stream (a slot's confirmed position).</param>
/// <param name="Limit">The lag, in the same units, above which it is reported loudly.</param>
public sealed record class SourceLag(ulong Position, ulong Confirmed, ulong Limit);
