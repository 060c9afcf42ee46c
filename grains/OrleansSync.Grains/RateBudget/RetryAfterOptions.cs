using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace OrleansSync.RateBudget;

/// <summary>
/// The longest wait a 429's Retry-After may impose, on the retry and on the rate budget alike. Bound from the budget's
/// section (<c>OrleansSync:RateBudget:MaxPause</c>) because the budget is what a pause stops; the connector reads it
/// too, so a host without a budget is bounded the same way.
/// </summary>
public sealed class RetryAfterOptions
{
    public const string SectionName = "OrleansSync:RateBudget";

    /// <summary>
    /// A longer Retry-After (68 years as 2147483647 seconds, a year-9999 date) is taken as this, and logged. ACC counts
    /// calls per minute, so no honest answer asks for more than one window.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "1.00:00:00")]
    public TimeSpan MaxPause { get; set; } = TimeSpan.FromMinutes(1);
}

[OptionsValidator]
internal sealed partial class RetryAfterOptionsValidator : IValidateOptions<RetryAfterOptions>;
