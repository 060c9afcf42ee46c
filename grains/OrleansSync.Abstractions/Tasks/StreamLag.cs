namespace OrleansSync.Tasks;

/// <summary>How far a streaming task's mirror is behind its source (a PostgreSQL capture: its replication slot).</summary>
/// <param name="Bytes">The source's current WAL position less the slot's confirmed one: WAL the source keeps for this task.</param>
/// <param name="Seconds">How long since the mirror last held everything the source had (the age of the oldest change not yet applied, at most); 0 when it holds everything now.</param>
/// <param name="Limit">The bytes above which the lag is reported loudly (<c>OrleansSync:Postgres:Cdc:MaxSlotLag</c>).</param>
/// <param name="At">When the source was asked.</param>
[GenerateSerializer, Immutable, Alias("OrleansSync.Tasks.StreamLag")]
public sealed record class StreamLag(
    [property: Id(0)] ulong Bytes,
    [property: Id(1)] double Seconds,
    [property: Id(2)] ulong Limit,
    [property: Id(3)] DateTimeOffset At)
{
    /// <summary>Above <see cref="Limit"/>: the source's disk fills with WAL kept for this task.</summary>
    public bool OverLimit => Bytes > Limit;
}
