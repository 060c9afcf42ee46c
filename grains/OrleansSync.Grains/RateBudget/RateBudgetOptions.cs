using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace OrleansSync.RateBudget;

/// <summary>
/// Section <c>OrleansSync:RateBudget</c>: upstream's call limits per credential, which the cluster's budget grains pace
/// every call under. Defaults are ACC's: 200 calls a minute per client id for the Reviews API, 600 for Admin API
/// GETs, 500 for the token endpoint. <c>Credentials:{clientId}</c> sets other limits for one client id.
/// </summary>
public sealed class RateBudgetOptions
{
    public const string Section = "OrleansSync:RateBudget";

    /// <summary>Families whose limit is set here; a call of any other family is not paced.</summary>
    public static readonly string[] Families = ["reviews", "admin", "token"];

    /// <summary>Off: calls go out as fast as tasks make them, and 429s alone slow them down.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>The window upstream counts calls in (ACC: a minute).</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "1.00:00:00")]
    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Reviews API calls per window; 0: not paced.</summary>
    [Range(0, 10_000_000)]
    public int Reviews { get; set; } = 200;

    /// <summary>Admin API calls per window; 0: not paced.</summary>
    [Range(0, 10_000_000)]
    public int Admin { get; set; } = 600;

    /// <summary>Token requests per window; 0: not paced.</summary>
    [Range(0, 10_000_000)]
    public int Token { get; set; } = 500;

    /// <summary>
    /// Share of the limit the budget spends. A little under 1 leaves room for the jitter between when a call is sent
    /// and when upstream counts it, so the cluster meets almost no 429s.
    /// </summary>
    [Range(0.1, 1.0)]
    public double Headroom { get; set; } = 0.97;

    /// <summary>How far ahead silos lease slots: the budget grain is asked about once per half of it while calls wait.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:00:10")]
    public TimeSpan LeaseAhead { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>Limits of single client ids (the key), replacing the ones above where set.</summary>
    public Dictionary<string, CredentialLimits> Credentials { get; set; } = new(StringComparer.Ordinal);

    /// <summary>The limit per window of <paramref name="family"/> for <paramref name="clientId"/>; 0: not paced.</summary>
    public (int Limit, TimeSpan Window) LimitOf(string clientId, string family)
    {
        var own = Credentials.GetValueOrDefault(clientId);
        var limit = family switch
        {
            "reviews" => own?.Reviews ?? Reviews,
            "admin" => own?.Admin ?? Admin,
            "token" => own?.Token ?? Token,
            _ => 0,
        };
        return (Enabled ? limit : 0, own?.Window ?? Window);
    }

    /// <summary>
    /// How late a call may still go on its slot. Slots are spaced so that any limit + 1 of them span the window times
    /// 1 / headroom, so a call may be up to window × (1 / headroom − 1) later than the call limit slots after it
    /// before a window of upstream's holds more than the limit. Half of that is allowed: 15 ms at a one-second window,
    /// 0.9 s at ACC's minute.
    /// </summary>
    public static TimeSpan Grace(TimeSpan window, double headroom) =>
        TimeSpan.FromTicks(Math.Max(TimeSpan.TicksPerMillisecond, (long)(window.Ticks * ((1 / headroom) - 1) / 2)));
}

/// <summary>One client id's own limits; unset ones fall back to the section's.</summary>
public sealed class CredentialLimits
{
    [Range(0, 10_000_000)]
    public int? Reviews { get; set; }

    [Range(0, 10_000_000)]
    public int? Admin { get; set; }

    [Range(0, 10_000_000)]
    public int? Token { get; set; }

    [Range(typeof(TimeSpan), "00:00:00.100", "1.00:00:00")]
    public TimeSpan? Window { get; set; }
}

[OptionsValidator]
public sealed partial class RateBudgetOptionsValidator : IValidateOptions<RateBudgetOptions>;

[OptionsValidator]
public sealed partial class CredentialLimitsValidator : IValidateOptions<CredentialLimits>;

/// <summary>Checks every client id's own limits with <see cref="CredentialLimitsValidator"/>, naming the client id.</summary>
public sealed class CredentialLimitsOptionsValidator : IValidateOptions<RateBudgetOptions>
{
    private readonly CredentialLimitsValidator _one = new();

    public ValidateOptionsResult Validate(string? name, RateBudgetOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = options.Credentials
            .Select(c => (c.Key, Result: _one.Validate(c.Key, c.Value)))
            .Where(static c => c.Result.Failed)
            .SelectMany(static c => c.Result.Failures ?? [])
            .ToList();
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures.Select(f => $"{RateBudgetOptions.Section}:Credentials: {f}"));
    }
}
