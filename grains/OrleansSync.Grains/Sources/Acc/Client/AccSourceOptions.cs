using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace OrleansSync.Sources.Acc.Client;

/// <summary>How the ACC connector pages, retries and renews tokens. Bound from <see cref="SectionName"/>.</summary>
public sealed class AccSourceOptions
{
    public const string SectionName = "OrleansSync:Acc";

    /// <summary>Retries after the first attempt, for 5xx, 408, 429, network errors and attempt timeouts; 0 turns retries off.</summary>
    [Range(0, 100)]
    public int MaxRetries { get; set; } = 6;

    /// <summary>First backoff delay; it doubles per retry, with jitter.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan BaseDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Cap of the computed backoff. A 429's Retry-After is never shortened by it.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Time to the response headers of one attempt.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "01:00:00")]
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Time for one call with all its retries and waits; must outlast a few quota windows (a minute each on ACC).</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "1.00:00:00")]
    public TimeSpan TotalTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Time to read a whole body once its headers came (the timeouts above end at the headers). A body that stalls
    /// or trickles past it is a malformed response.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "01:00:00")]
    public TimeSpan BodyTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Largest body read; a larger one is a malformed response, refused unread when its Content-Length says so.</summary>
    [Range(1024, 1024 * 1024 * 1024)]
    public int MaxBodyBytes { get; set; } = 16 * 1024 * 1024;

    /// <summary>
    /// Times a request is sent again after a malformed response (a body that stalled, was cut short, was too large,
    /// was not JSON or not the document asked for), with the backoff above; 0 turns it off.
    /// </summary>
    [Range(0, 10)]
    public int MalformedRetries { get; set; } = 2;

    /// <summary>Page size of Reviews API lists (ACC allows 1 to 50).</summary>
    [Range(1, 50)]
    public int PageSize { get; set; } = 50;

    /// <summary>Page size of Admin API lists (ACC allows 1 to 200).</summary>
    [Range(1, 200)]
    public int AdminPageSize { get; set; } = 200;

    /// <summary>
    /// Times a list that changed while it was read (its totalResults moved, or it ended short of it) is read again from
    /// its first page before the read fails; 0 fails at the first drift. See <see cref="AccListDrift"/>.
    /// </summary>
    [Range(0, 100)]
    public int MaxListRereads { get; set; } = 3;

    /// <summary>
    /// Most pages one read of a list may take. A list that announces its total is capped lower, at the pages its total
    /// needs plus <see cref="AccPageTrail.PageSlack"/>.
    /// </summary>
    [Range(1, 10_000_000)]
    public int MaxListPages { get; set; } = AccPageTrail.DefaultMaxPages;

    /// <summary>
    /// An answer whose HTTP <c>Date</c> is further than this from our clock is logged as clock skew (once per upstream
    /// until it is back within it). The incremental mark never trusts a <c>Date</c> later than our clock anyway.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "30.00:00:00")]
    public TimeSpan ClockSkewWarning { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// A token is renewed when less than max(<see cref="TokenRefreshAhead"/>, <see cref="TokenRefreshAheadShare"/> of its
    /// lifetime) remains — but never earlier than half its lifetime, so short-lived tokens are still reused.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan TokenRefreshAhead { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>See <see cref="TokenRefreshAhead"/>.</summary>
    [Range(0.0, 0.5)]
    public double TokenRefreshAheadShare { get; set; } = 0.1;
}

/// <summary>Checks the <see cref="Range"/> attributes above at start, without reflection.</summary>
[OptionsValidator]
internal sealed partial class AccSourceOptionsValidator : IValidateOptions<AccSourceOptions>;
