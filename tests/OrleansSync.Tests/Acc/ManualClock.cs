namespace OrleansSync.Tests.Acc;

/// <summary>
/// A clock that moves only when told. Only the wall clock is manual: timers and timestamps stay real, so HTTP
/// timeouts and retry delays behave as in production while token expiry is exact.
/// </summary>
internal sealed class ManualClock(DateTimeOffset start) : TimeProvider
{
    private long _utcTicks = start.UtcTicks;

    public override DateTimeOffset GetUtcNow() => new(Interlocked.Read(ref _utcTicks), TimeSpan.Zero);

    public void Advance(TimeSpan by) => Interlocked.Add(ref _utcTicks, by.Ticks);

    public void Set(DateTimeOffset at) => Interlocked.Exchange(ref _utcTicks, at.UtcTicks);
}
