namespace OrleansSync.Emulator;

/// <summary>
/// Fault knobs. Set at start through <see cref="EmulatorOptions.Faults"/>, changed at run time through
/// <c>POST /__faults</c> or <see cref="AccEmulator.SetFaults"/>.
/// </summary>
public sealed record FaultSettings
{
    /// <summary>Fixed latency added to every upstream call (token, reviews, admin).</summary>
    public int LatencyMs { get; init; }

    /// <summary>Random extra latency, uniform in 0..JitterMs.</summary>
    public int JitterMs { get; init; }

    /// <summary>Probability (0..1) that a reviews or admin call answers 500 or 503.</summary>
    public double ServerErrorRate { get; init; }

    /// <summary>Seconds announced by <c>Retry-After</c> on injected 429s (see <see cref="AccEmulator.ThrottleNext"/>).</summary>
    public int ThrottleRetryAfterSeconds { get; init; } = 1;

    /// <summary>How injected 429s carry <see cref="ThrottleRetryAfterSeconds"/>: as seconds (ACC), an HTTP-date, or not at all.</summary>
    public RetryAfterForm ThrottleRetryAfterForm { get; init; }

    /// <summary>Lifetime of tokens issued from now on.</summary>
    public int TokenTtlSeconds { get; init; } = 3599;

    /// <summary>Share (0..1) of reviews served malformed; which ones follows from the seed and the review id.</summary>
    public double MalformedRate { get; init; }

    /// <summary>
    /// When not 0, every upstream call, the token endpoint's included, answers this status (400–599) with an ACC error
    /// body, before any quota is counted.
    /// </summary>
    public int OutageStatus { get; init; }

    /// <summary>Longest wait of a <see cref="HostileKind.StallBody"/> answer before it aborts the connection.</summary>
    public int StallSeconds { get; init; } = 600;

    /// <summary>
    /// How far behind the store's clock a change is stamped: upstream serves from a replica, so a record a mutation
    /// changes now carries an updatedAt this much earlier than the answer that first lists it (its Date).
    /// </summary>
    public int ReplicationLagMs { get; init; } = 1000;

    /// <summary>
    /// How far the HTTP <c>Date</c> of every answer is from the clock that stamps records, in seconds (a front end or
    /// proxy whose clock is off); negative is behind.
    /// </summary>
    public int DateSkewSeconds { get; init; }

    internal IEnumerable<string> Validate()
    {
        if (ReplicationLagMs is < 0 or > 3_600_000)
        {
            yield return "replication lag must be from 0 to 3600000 ms";
        }

        if (DateSkewSeconds is < -2_592_000 or > 2_592_000)
        {
            yield return "Date skew must be within 2592000 seconds (30 days) either way";
        }

        if (LatencyMs < 0 || JitterMs < 0)
        {
            yield return "latency and jitter must be 0 or more";
        }

        if (ServerErrorRate is < 0 or > 1 || double.IsNaN(ServerErrorRate))
        {
            yield return "server error rate must be between 0 and 1";
        }

        if (ThrottleRetryAfterSeconds < 0)
        {
            yield return "throttle Retry-After must be 0 or more";
        }

        if (!Enum.IsDefined(ThrottleRetryAfterForm))
        {
            yield return "throttle Retry-After form must be seconds, httpDate or missing";
        }

        if (TokenTtlSeconds < 1)
        {
            yield return "token TTL must be 1 second or more";
        }

        if (MalformedRate is < 0 or > 1 || double.IsNaN(MalformedRate))
        {
            yield return "malformed rate must be between 0 and 1";
        }

        if (OutageStatus != 0 && OutageStatus is < 400 or > 599)
        {
            yield return "outage status must be 0 (off) or from 400 to 599";
        }

        if (StallSeconds is < 0 or > 86_400)
        {
            yield return "stall seconds must be from 0 to 86400";
        }
    }
}
