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
    public Task InvokeAsync(HttpContext http)
    {
        http.Response.OnStarting(static state =>
        {
            var (response, clock, settings) = ((HttpResponse, TimeProvider, FaultState))state;
            var date = clock.GetUtcNow().AddSeconds(settings.Settings.DateSkewSeconds);
            response.Headers.Date = date.ToString("R", CultureInfo.InvariantCulture);
            return Task.CompletedTask;
        }, (http.Response, time, faults));
        return next(http);
    }
}
