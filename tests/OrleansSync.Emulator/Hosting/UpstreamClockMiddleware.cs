using System.Globalization;
using OrleansSync.Emulator.Faults;

namespace OrleansSync.Emulator.Hosting;

/// <summary>
/// Every answer's <c>Date</c> is the upstream's wall clock (the emulator's <see cref="TimeProvider"/>), plus
/// <see cref="FaultSettings.DateSkewSeconds"/> when a test makes it lie. Records are stamped on the same clock but up
/// to <see cref="FaultSettings.ReplicationLagMs"/> earlier (see <c>Mutator</c>), as a replicated store does: a
/// client must not take Date as a bound on what it has not seen yet.
/// </summary>
internal sealed class UpstreamClockMiddleware(RequestDelegate next, TimeProvider time, FaultState faults)
{
    private const string RetryAfterKey = "OrleansSync.Emulator.RetryAfterSeconds";

    /// <summary>The answer gets <c>Retry-After</c> as an HTTP-date: its own <c>Date</c> plus <paramref name="seconds"/> (at most year 9999).</summary>
    public static void RetryAfterFromDate(HttpContext http, int seconds) => http.Items[RetryAfterKey] = seconds;

    public Task InvokeAsync(HttpContext http)
    {
        http.Response.OnStarting(static state =>
        {
            var (context, clock, settings) = ((HttpContext, TimeProvider, FaultState))state;
            var date = clock.GetUtcNow().AddSeconds(settings.Settings.DateSkewSeconds);
            context.Response.Headers.Date = date.ToString("R", CultureInfo.InvariantCulture);
            if (context.Items[RetryAfterKey] is int seconds)
            {
                var until = seconds < (DateTimeOffset.MaxValue - date).TotalSeconds ? date.AddSeconds(seconds) : DateTimeOffset.MaxValue;
                context.Response.Headers.RetryAfter = until.ToString("R", CultureInfo.InvariantCulture);
            }

            return Task.CompletedTask;
        }, (http, time, faults));
        return next(http);
    }
}
