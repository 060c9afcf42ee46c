namespace OrleansSync.Emulator.RateLimiting;

/// <summary>Body of <c>POST /__limits</c>: only the fields present change; 0 turns a quota off.</summary>
internal sealed class LimitsPatch
{
    public bool? Reset { get; init; }

    public double? WindowSeconds { get; init; }

    public int? Reviews { get; init; }

    public int? Admin { get; init; }

    public int? Token { get; init; }

    public RateLimitOptions ApplyTo(RateLimitOptions current) => current with
    {
        Window = WindowSeconds is { } seconds ? TimeSpan.FromSeconds(seconds) : current.Window,
        ReviewsPerWindow = Reviews ?? current.ReviewsPerWindow,
        AdminPerWindow = Admin ?? current.AdminPerWindow,
        TokenPerWindow = Token ?? current.TokenPerWindow,
    };
}

/// <summary>Answer of <c>GET/POST /__limits</c>.</summary>
internal sealed record LimitsView(double WindowSeconds, int Reviews, int Admin, int Token)
{
    public static LimitsView Of(RateLimitOptions o) =>
        new(o.Window.TotalSeconds, o.ReviewsPerWindow, o.AdminPerWindow, o.TokenPerWindow);
}
