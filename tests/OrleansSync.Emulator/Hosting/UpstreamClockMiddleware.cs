using System.Globalization;
using OrleansSync.Emulator.Data;

namespace OrleansSync.Emulator.Hosting;

/// <summary>
/// Every answer's <c>Date</c> is the upstream's own clock — here the dataset's logical clock, which dates every
/// record — as ACC's Date and updatedAt share one clock. A client may then take Date as "now" upstream: whatever
/// changes after an answer carries a later updatedAt than that answer's Date.
/// </summary>
internal sealed class UpstreamClockMiddleware(RequestDelegate next, Dataset dataset)
{
    private const string RetryAfterKey = "OrleansSync.Emulator.RetryAfterSeconds";

    /// <summary>The answer gets <c>Retry-After</c> as an HTTP-date: its own <c>Date</c> plus <paramref name="seconds"/> (at most year 9999).</summary>
    public static void RetryAfterFromDate(HttpContext http, int seconds) => http.Items[RetryAfterKey] = seconds;

    public Task InvokeAsync(HttpContext http)
    {
        http.Response.OnStarting(static state =>
        {
            var (context, data) = ((HttpContext, Dataset))state;
            var clock = data.Read(() => data.Clock);
            var date = DateTime.UnixEpoch.AddMilliseconds(clock);
            context.Response.Headers.Date = date.ToString("R", CultureInfo.InvariantCulture);
            if (context.Items[RetryAfterKey] is int seconds)
            {
                var until = seconds < (DateTime.MaxValue - date).TotalSeconds ? date.AddSeconds(seconds) : DateTime.MaxValue;
                context.Response.Headers.RetryAfter = until.ToString("R", CultureInfo.InvariantCulture);
            }

            return Task.CompletedTask;
        }, (http, dataset));
        return next(http);
    }
}
