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
    public Task InvokeAsync(HttpContext http)
    {
        http.Response.OnStarting(static state =>
        {
            var (response, data) = ((HttpResponse, Dataset))state;
            var clock = data.Read(() => data.Clock);
            response.Headers.Date = DateTime.UnixEpoch.AddMilliseconds(clock).ToString("R", CultureInfo.InvariantCulture);
            return Task.CompletedTask;
        }, (http.Response, dataset));
        return next(http);
    }
}
