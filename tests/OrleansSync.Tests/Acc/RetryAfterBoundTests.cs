using System.Diagnostics;
using System.Globalization;
using OrleansSync.Emulator;
using OrleansSync.Sources.Acc.Client;
using OrleansSync.Tests.Infrastructure;

namespace OrleansSync.Tests.Acc;

/// <summary>
/// A 429's Retry-After is bounded by <c>OrleansSync:RateBudget:MaxPause</c> (logged when it is), an HTTP-date is read on
/// upstream's clock (its Date), and a Retry-After that does not parse is no Retry-After: the backoff applies.
/// </summary>
[Collection(RunsAloneCollection.Name)]
public sealed class RetryAfterBoundTests
{
    private const string BoundedEvent = "[4108]";

    private static readonly TimeSpan MaxPause = TimeSpan.FromSeconds(1);

    // Long enough for any wait these tests expect, far shorter than the waits they must not make.
    private static readonly Dictionary<string, string> Settings = new()
    {
        ["OrleansSync:RateBudget:MaxPause"] = "00:00:01",
        ["TotalTimeout"] = "00:00:30",
    };

    [Theory]
    [InlineData("2147483647")]
    [InlineData("Fri, 31 Dec 9999 23:59:59 GMT")]
    public async Task GetPageAsync_RetryAfterBeyondMaxPause_WaitsMaxPauseAndLogsIt(string retryAfter)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var upstream = await ThrottledOnceAsync(retryAfter, date: null, ct);
        await using var host = AccTestHost.Start(upstream.Connection, Settings);

        var (page, elapsed) = await TimedPageAsync(host, upstream, ct);

        Assert.Equal((2, 1), (page.Calls, page.Throttled));
        Assert.InRange(elapsed, MaxPause, MaxPause * 8);
        Assert.Contains(host.Logs.Lines, static line => line.Contains(BoundedEvent, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("-5")]
    [InlineData("soon")]
    [InlineData("")]
    public async Task GetPageAsync_RetryAfterNegativeGarbageOrEmpty_BacksOffAsWithoutOne(string retryAfter)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var upstream = await ThrottledOnceAsync(retryAfter, date: null, ct);
        await using var host = AccTestHost.Start(upstream.Connection, Settings);

        var (page, elapsed) = await TimedPageAsync(host, upstream, ct);

        // The test host's backoff starts at 50 ms; MaxPause would be a second.
        Assert.Equal((2, 1), (page.Calls, page.Throttled));
        Assert.True(elapsed < MaxPause, $"took {elapsed}");
        Assert.DoesNotContain(host.Logs.Lines, static line => line.Contains(BoundedEvent, StringComparison.Ordinal));
    }

    [Fact]
    public async Task GetPageAsync_HttpDateOnAClockADayAhead_WaitsWhatUpstreamMeant()
    {
        var ct = TestContext.Current.CancellationToken;
        var upstreamNow = DateTimeOffset.UtcNow.AddDays(1);
        var retryAt = upstreamNow.AddSeconds(2);
        await using var upstream = await ThrottledOnceAsync(Http(retryAt), Http(upstreamNow), ct);
        await using var host = AccTestHost.Start(upstream.Connection, new Dictionary<string, string>(Settings) { ["OrleansSync:RateBudget:MaxPause"] = "00:00:20" });

        var (page, elapsed) = await TimedPageAsync(host, upstream, ct);

        // Two seconds on upstream's clock (whole seconds: 1 to 2 s here); neither a day nor the 20 s bound.
        Assert.Equal((2, 1), (page.Calls, page.Throttled));
        Assert.InRange(elapsed, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(10));
        Assert.DoesNotContain(host.Logs.Lines, static line => line.Contains(BoundedEvent, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(RetryAfterForm.Seconds, 2, 2.0)]
    [InlineData(RetryAfterForm.HttpDate, 2, 2.0)]
    [InlineData(RetryAfterForm.Seconds, int.MaxValue, 3.0)]
    [InlineData(RetryAfterForm.HttpDate, int.MaxValue, 3.0)]
    [InlineData(RetryAfterForm.Missing, 2, 0.0)]
    public async Task ReadAllAsync_EmulatorThrottlesWithEachRetryAfterForm_WaitsAsBoundedAndReadsEverything(RetryAfterForm form, int seconds, double waitSeconds)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var emulator = await AccEmulator.StartAsync(
            new EmulatorOptions
            {
                Dataset = { Seed = 31, Projects = 1, ReviewsPerProject = 60 },
                RateLimits = RateLimitOptions.Unlimited,
                Faults = new FaultSettings { ThrottleRetryAfterSeconds = seconds, ThrottleRetryAfterForm = form },
            },
            ct);
        await using var host = AccTestHost.Start(emulator, new Dictionary<string, string>(Settings) { ["OrleansSync:RateBudget:MaxPause"] = "00:00:03" });
        var dump = await AccDump.LoadAsync(emulator, ct);
        var projectId = emulator.ProjectIds[0];
        await host.Tokens.GetTokenAsync(host.Connection, ct);

        emulator.ThrottleNext(1);
        var clock = Stopwatch.StartNew();
        var pages = await AccReads.PagesAsync(host, host.Client.ReviewsUrl(host.Connection, projectId, false, null), ct);
        var elapsed = clock.Elapsed;

        // The wait asked (2 s; 68 years bounded to 3 s), or without one the test host's backoff of 50 ms and more;
        // the HTTP-date counts from the answer's Date, on upstream's own clock.
        var wait = TimeSpan.FromSeconds(waitSeconds);
        Assert.InRange(elapsed, wait * 0.95, wait + TimeSpan.FromSeconds(form == RetryAfterForm.Missing ? 0.9 : 3));
        Assert.Equal(1, pages[0].Throttled);
        Assert.Equal(seconds == int.MaxValue, host.Logs.Lines.Any(static line => line.Contains(BoundedEvent, StringComparison.Ordinal)));
        var archived = await AccReads.RecordsAsync(host, host.Client.ReviewsUrl(host.Connection, projectId, true, null), ct);
        AccReads.AssertSameRecords(dump.Reviews(projectId), pages.SelectMany(p => p.Records).Concat(archived), AccReads.Id);
    }

    private static string Http(DateTimeOffset time) => time.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>The first reviews call answers 429 with <paramref name="retryAfter"/> (and <paramref name="date"/> as Date, when given); the next a last page.</summary>
    private static Task<HostileUpstream> ThrottledOnceAsync(string retryAfter, string? date, CancellationToken ct)
    {
        var calls = 0;
        return HostileUpstream.StartAsync(
            context =>
            {
                if (date is not null)
                {
                    context.Response.Headers.Date = date;
                }

                if (Interlocked.Increment(ref calls) > 1)
                {
                    return HostileUpstream.WritePageAsync(context, 0, 2, null);
                }

                context.Response.Headers.RetryAfter = retryAfter;
                return HostileUpstream.WriteJsonAsync(context, """{"developerMessage":"Quota limit exceeded."}""", 429);
            },
            null,
            ct);
    }

    private static async Task<(SourcePage Page, TimeSpan Elapsed)> TimedPageAsync(AccTestHost host, HostileUpstream upstream, CancellationToken ct)
    {
        await host.Tokens.GetTokenAsync(host.Connection, ct);
        var clock = Stopwatch.StartNew();
        var page = await host.Client.GetPageAsync(host.Connection, upstream.ReviewsUrl, ct);
        return (page, clock.Elapsed);
    }
}
