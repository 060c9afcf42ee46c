using System.Diagnostics;
using System.Net;
using OrleansSync.Emulator;
using OrleansSync.Sources.Acc.Client;
using OrleansSync.Tests.Infrastructure;
using Polly.Timeout;

namespace OrleansSync.Tests.Acc;

[Collection(RunsAloneCollection.Name)]
public sealed class AccResilienceTests
{
    private const string ReviewsEndpoint = "GET /construction/reviews/v1/projects/{projectId}/reviews";

    [Fact]
    public async Task ReadAllAsync_ThrottledWithRetryAfter_WaitsAtLeastRetryAfterThenReadsEverything()
    {
        var ct = TestContext.Current.CancellationToken;
        const int retryAfterSeconds = 1;
        await using var emulator = await AccEmulator.StartAsync(
            new EmulatorOptions
            {
                Dataset = { Seed = 12, Projects = 1, ReviewsPerProject = 130 },
                Faults = new FaultSettings { ThrottleRetryAfterSeconds = retryAfterSeconds },
            },
            ct);
        await using var host = AccTestHost.Start(emulator);
        var dump = await AccDump.LoadAsync(emulator, ct);
        var projectId = emulator.ProjectIds[0];
        await host.Tokens.GetTokenAsync(host.Connection, ct);

        emulator.ThrottleNext(2);
        var clock = Stopwatch.StartNew();
        var pages = await AccReads.PagesAsync(host, host.Client.ReviewsUrl(host.Connection, projectId, false, null), ct);
        var elapsed = clock.Elapsed;

        // Backoff alone (50 ms base) would have come back within a few hundred milliseconds.
        Assert.True(elapsed >= TimeSpan.FromSeconds(2 * retryAfterSeconds), $"read took {elapsed}, less than two Retry-After waits");
        Assert.Equal((3, 2), (pages[0].Calls, pages[0].Throttled));
        Assert.All(pages.Skip(1), static p => Assert.Equal(0, p.Throttled));
        var stats = emulator.GetStats();
        Assert.Equal(2, stats.InjectedThrottles);
        Assert.Equal(2, stats.Count(ReviewsEndpoint, 429));
        Assert.Equal(2, host.Logs.Lines.Count(line => line.Contains("[4100]", StringComparison.Ordinal)));
        var archived = await AccReads.RecordsAsync(host, host.Client.ReviewsUrl(host.Connection, projectId, true, null), ct);
        AccReads.AssertSameRecords(dump.Reviews(projectId), pages.SelectMany(p => p.Records).Concat(archived), AccReads.Id);
    }

    [Fact]
    public async Task ReadAllAsync_SmallQuotaWindow_WaitsForTheWindowAndReadsEverything()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var emulator = await AccEmulator.StartAsync(
            new EmulatorOptions
            {
                Dataset = { Seed = 13, Projects = 1, ReviewsPerProject = 300, ArchivedShare = 0.1 },
                RateLimits = new RateLimitOptions { Window = TimeSpan.FromSeconds(1), ReviewsPerWindow = 2, AdminPerWindow = 0, TokenPerWindow = 0 },
            },
            ct);
        await using var host = AccTestHost.Start(emulator);
        var dump = await AccDump.LoadAsync(emulator, ct);
        var projectId = emulator.ProjectIds[0];

        var clock = Stopwatch.StartNew();
        var pages = await AccReads.PagesAsync(host, host.Client.ReviewsUrl(host.Connection, projectId, false, null), ct);
        pages.AddRange(await AccReads.PagesAsync(host, host.Client.ReviewsUrl(host.Connection, projectId, true, null), ct));
        var elapsed = clock.Elapsed;

        AccReads.AssertSameRecords(dump.Reviews(projectId), pages.SelectMany(p => p.Records), AccReads.Id);
        var stats = emulator.GetStats();
        Assert.Equal(pages.Count, stats.Count(ReviewsEndpoint, 200));

        // Two calls a second: N pages take at least (N - 1) / 2 windows. Waiting out each Retry-After means the
        // window always has room when we come back: at most one rejection per page, never a burst of them.
        Assert.True(elapsed >= TimeSpan.FromSeconds((pages.Count - 1) / 2), $"{pages.Count} pages took only {elapsed}");
        Assert.InRange(stats.QuotaRejections, 1, pages.Count);
        Assert.Equal(stats.Total, pages.Sum(p => p.Calls));
    }

    [Fact]
    public async Task ReadAllAsync_ServerErrors_RetriesAndReadsEveryPage()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var emulator = await AccEmulator.StartAsync(
            new EmulatorOptions
            {
                Dataset = { Seed = 14, Projects = 2, ReviewsPerProject = 260 },
                Faults = new FaultSettings { ServerErrorRate = 0.3 },
                RateLimits = RateLimitOptions.Unlimited,
            },
            ct);
        await using var host = AccTestHost.Start(
            emulator,
            new Dictionary<string, string> { ["MaxRetries"] = "12", ["BaseDelay"] = "00:00:00.005", ["MaxDelay"] = "00:00:00.100" });
        var dump = await AccDump.LoadAsync(emulator, ct);

        var calls = 0;
        foreach (var projectId in emulator.ProjectIds)
        {
            var pages = await AccReads.PagesAsync(host, host.Client.ReviewsUrl(host.Connection, projectId, false, null), ct);
            pages.AddRange(await AccReads.PagesAsync(host, host.Client.ReviewsUrl(host.Connection, projectId, true, null), ct));
            pages.AddRange(await AccReads.PagesAsync(host, host.Client.WorkflowsUrl(host.Connection, projectId, "ACTIVE"), ct));
            pages.AddRange(await AccReads.PagesAsync(host, host.Client.WorkflowsUrl(host.Connection, projectId, "INACTIVE"), ct));
            calls += pages.Sum(p => p.Calls);
            var records = pages.SelectMany(p => p.Records).ToList();
            AccReads.AssertSameRecords(dump.Reviews(projectId).Concat(dump.Workflows(projectId)), records, AccReads.Id);
        }

        var stats = emulator.GetStats();
        Assert.True(stats.InjectedServerErrors > 0, "the emulator injected server errors");
        Assert.Equal(stats.InjectedServerErrors, stats.CountStatus(500) + stats.CountStatus(503));
        Assert.Equal(stats.Total, calls);
    }

    [Fact]
    public async Task GetPageAsync_UnknownProject_ThrowsNotFoundWithoutRetrying()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var emulator = await AccEmulator.StartAsync(new EmulatorOptions { Dataset = { Projects = 1, ReviewsPerProject = 1 } }, ct);
        await using var host = AccTestHost.Start(emulator);

        var error = await Assert.ThrowsAsync<AccApiException>(
            () => host.Client.GetPageAsync(host.Connection, host.Client.ReviewsUrl(host.Connection, "no-such-project", false, null), ct));

        Assert.Equal(HttpStatusCode.NotFound, error.StatusCode);
        Assert.Equal("GET /construction/reviews/v1/projects/no-such-project/reviews", error.Endpoint);
        Assert.False(string.IsNullOrEmpty(error.DeveloperMessage));
        Assert.Contains(error.DeveloperMessage!, error.Message, StringComparison.Ordinal);
        Assert.False(error.IsTransient);
        Assert.Equal(1, emulator.GetStats().Count(ReviewsEndpoint));
    }

    [Fact]
    public async Task GetPageAsync_NoUserId_ThrowsBadRequestNamingTheHeader()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var emulator = await AccEmulator.StartAsync(new EmulatorOptions { Dataset = { Projects = 1, ReviewsPerProject = 1 } }, ct);
        await using var host = AccTestHost.Start(emulator);
        var connection = host.Connection with { UserId = null };

        var error = await Assert.ThrowsAsync<AccApiException>(
            () => host.Client.GetPageAsync(connection, host.Client.ReviewsUrl(connection, emulator.ProjectIds[0], false, null), ct));

        Assert.Equal(HttpStatusCode.BadRequest, error.StatusCode);
        Assert.Contains("x-user-id", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetPageAsync_UpstreamSlowerThanAttemptTimeout_RetriesThenThrowsTransientError()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var emulator = await AccEmulator.StartAsync(new EmulatorOptions { Dataset = { Projects = 1, ReviewsPerProject = 1 } }, ct);
        await using var host = AccTestHost.Start(emulator, new Dictionary<string, string> { ["MaxRetries"] = "2", ["AttemptTimeout"] = "00:00:00.200" });
        var url = host.Client.ReviewsUrl(host.Connection, emulator.ProjectIds[0], false, null);
        await host.Tokens.GetTokenAsync(host.Connection, ct);
        emulator.SetFaults(new FaultSettings { LatencyMs = 2000 });

        var error = await Assert.ThrowsAsync<AccApiException>(() => host.Client.GetPageAsync(host.Connection, url, ct));

        Assert.Null(error.StatusCode);
        Assert.True(error.IsTransient);
        Assert.IsType<TimeoutRejectedException>(error.InnerException);
        // Two retries of the page call; the token call before it may have needed retries of its own on a cold start.
        var retries = host.Logs.Lines.Where(line => line.Contains("[4101] ACC GET ", StringComparison.Ordinal)).ToList();
        Assert.True(retries.Count == 2, string.Join("\n", retries));
    }
}
