namespace OrleansSync.Emulator.Faults;

/// <summary>
/// Body of <c>POST /__faults</c>: only the fields present change. <c>reset</c> first restores the start settings,
/// cancels pending throttles and clears the hostile rules.
/// </summary>
internal sealed class FaultPatch
{
    public bool? Reset { get; init; }

    public int? LatencyMs { get; init; }

    public int? JitterMs { get; init; }

    public double? ServerErrorRate { get; init; }

    /// <summary>The next N reviews or admin calls answer 429.</summary>
    public int? ThrottleNext { get; init; }

    public int? ThrottleRetryAfterSeconds { get; init; }

    public RetryAfterForm? ThrottleRetryAfterForm { get; init; }

    public int? TokenTtlSeconds { get; init; }

    public double? MalformedRate { get; init; }

    public int? OutageStatus { get; init; }

    public int? StallSeconds { get; init; }

    public int? ReplicationLagMs { get; init; }

    public int? DateSkewSeconds { get; init; }

    /// <summary>When present, replaces the hostile rules (an empty list clears them).</summary>
    public IReadOnlyList<HostileRuleJson?>? Hostile { get; init; }

    public FaultSettings ApplyTo(FaultSettings current) => current with
    {
        LatencyMs = LatencyMs ?? current.LatencyMs,
        JitterMs = JitterMs ?? current.JitterMs,
        ServerErrorRate = ServerErrorRate ?? current.ServerErrorRate,
        ThrottleRetryAfterSeconds = ThrottleRetryAfterSeconds ?? current.ThrottleRetryAfterSeconds,
        ThrottleRetryAfterForm = ThrottleRetryAfterForm ?? current.ThrottleRetryAfterForm,
        TokenTtlSeconds = TokenTtlSeconds ?? current.TokenTtlSeconds,
        MalformedRate = MalformedRate ?? current.MalformedRate,
        OutageStatus = OutageStatus ?? current.OutageStatus,
        StallSeconds = StallSeconds ?? current.StallSeconds,
        ReplicationLagMs = ReplicationLagMs ?? current.ReplicationLagMs,
        DateSkewSeconds = DateSkewSeconds ?? current.DateSkewSeconds,
    };
}

/// <summary>Answer of <c>GET/POST /__faults</c>.</summary>
internal sealed record FaultView(
    int LatencyMs,
    int JitterMs,
    double ServerErrorRate,
    int ThrottleRemaining,
    int ThrottleRetryAfterSeconds,
    int TokenTtlSeconds,
    double MalformedRate,
    int OutageStatus,
    int StallSeconds,
    IReadOnlyList<HostileRuleJson> Hostile,
    int ReplicationLagMs,
    int DateSkewSeconds,
    RetryAfterForm ThrottleRetryAfterForm)
{
    public static FaultView Of(FaultState state)
    {
        var s = state.Settings;
        return new FaultView(
            s.LatencyMs,
            s.JitterMs,
            s.ServerErrorRate,
            state.ThrottleRemaining,
            s.ThrottleRetryAfterSeconds,
            s.TokenTtlSeconds,
            s.MalformedRate,
            s.OutageStatus,
            s.StallSeconds,
            [.. state.Hostile.InForce.Select(HostileNames.ToJson)],
            s.ReplicationLagMs,
            s.DateSkewSeconds,
            s.ThrottleRetryAfterForm);
    }
}
