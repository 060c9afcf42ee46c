namespace OrleansSync.Tasks;

/// <summary>What a failed run of a task means for what it does next.</summary>
public enum FailureKind
{
    /// <summary>Upstream or the network failed in a way that may pass (5xx, 408, timeouts, connection errors, garbage answers): feeds the breaker.</summary>
    Transient = 0,

    /// <summary>Retrying cannot help (credentials refused, 403, 404, bad settings, a missing secret variable): the task fails at once.</summary>
    Permanent,

    /// <summary>Upstream asked us to slow down (429 past the client's own waits): flow control, not a failure.</summary>
    Throttled,

    /// <summary>PostgreSQL is away: wait for it; the outage spends no upstream attempts.</summary>
    DatabaseUnavailable,
}
