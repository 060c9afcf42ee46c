using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OrleansSync.Emulator;
using OrleansSync.Sources.Acc.Client;

namespace OrleansSync.Tests.Acc;

public sealed class AccTokenTests
{
    private const string TokenEndpoint = "POST /authentication/v2/token";
    private const string ReviewsEndpoint = "GET /construction/reviews/v1/projects/{projectId}/reviews";

    [Fact]
    public async Task GetPageAsync_ManyConcurrentReads_MakeOneTokenCall()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var emulator = await AccEmulator.StartAsync(
            new EmulatorOptions { Dataset = { Seed = 1, Projects = 4, ReviewsPerProject = 20 }, Faults = new FaultSettings { LatencyMs = 50 } },
            ct);
        await using var host = AccTestHost.Start(emulator);

        var reads = Enumerable.Range(0, 32)
            .Select(i => host.Client.GetPageAsync(host.Connection, host.Client.ReviewsUrl(host.Connection, emulator.ProjectIds[i % 4], false, null), ct));
        var pages = await Task.WhenAll(reads);

        var stats = emulator.GetStats();
        Assert.Equal(1, stats.Count(TokenEndpoint));
        Assert.Equal(32, stats.Count(ReviewsEndpoint, 200));
        Assert.Equal(33, pages.Sum(p => p.Calls));
    }

    [Fact]
    public async Task ReadAllAsync_ShortTokenTtl_RenewsAheadOfExpiryAndNeverFails()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var emulator = await AccEmulator.StartAsync(
            new EmulatorOptions
            {
                Dataset = { Seed = 8, Projects = 1, ReviewsPerProject = 200 },
                Faults = new FaultSettings { TokenTtlSeconds = 2, LatencyMs = 60 },
            },
            ct);
        await using var host = AccTestHost.Start(emulator);
        var dump = await AccDump.LoadAsync(emulator, ct);
        var projectId = emulator.ProjectIds[0];

        // Read the whole list again and again for well over two token lifetimes.
        var clock = Stopwatch.StartNew();
        var reads = 0;
        while (clock.Elapsed < TimeSpan.FromSeconds(5))
        {
            var records = await AccReads.RecordsAsync(host, host.Client.ReviewsUrl(host.Connection, projectId, false, null), ct);
            records.AddRange(await AccReads.RecordsAsync(host, host.Client.ReviewsUrl(host.Connection, projectId, true, null), ct));
            AccReads.AssertSameRecords(dump.Reviews(projectId), records, AccReads.Id);
            reads++;
        }

        var stats = emulator.GetStats();
        Assert.True(reads >= 2);
        Assert.InRange(stats.Count(TokenEndpoint), 3, 20);
        // Renewal comes a second ahead of expiry, so upstream should never see an expired token; only a stall of
        // over a second (a loaded machine) could meet one, and the 401 path would recover it.
        Assert.InRange(stats.CountStatus(401), 0, 1);
    }

    [Fact]
    public async Task GetPageAsync_TokenExpiredUpstream_RenewsOnceAndRetriesTheCall()
    {
        var ct = TestContext.Current.CancellationToken;
        var upstreamClock = new ManualClock(DateTimeOffset.UtcNow);
        await using var emulator = await AccEmulator.StartAsync(
            new EmulatorOptions { Dataset = { Seed = 6, Projects = 1, ReviewsPerProject = 120 }, TimeProvider = upstreamClock },
            ct);
        await using var host = AccTestHost.Start(emulator);
        var dump = await AccDump.LoadAsync(emulator, ct);
        var projectId = emulator.ProjectIds[0];

        var first = await host.Client.GetPageAsync(host.Connection, host.Client.ReviewsUrl(host.Connection, projectId, false, null), ct);
        upstreamClock.Advance(TimeSpan.FromHours(2));
        var second = await host.Client.GetPageAsync(host.Connection, first.NextUrl!, ct);
        var third = await host.Client.GetPageAsync(host.Connection, second.NextUrl!, ct);

        var stats = emulator.GetStats();
        Assert.Equal(2, stats.Count(TokenEndpoint));
        Assert.Equal(1, stats.Count(ReviewsEndpoint, 401));
        Assert.Equal(3, second.Calls);
        Assert.Equal(1, third.Calls);
        var archived = await AccReads.RecordsAsync(host, host.Client.ReviewsUrl(host.Connection, projectId, true, null), ct);
        AccReads.AssertSameRecords(dump.Reviews(projectId), first.Records.Concat(second.Records).Concat(third.Records).Concat(archived), AccReads.Id);
    }

    [Fact]
    public async Task GetTokenAsync_ClockReachesRefreshPoint_RequestsNewTokenExactlyThen()
    {
        var ct = TestContext.Current.CancellationToken;
        var start = new DateTimeOffset(2026, 1, 5, 8, 0, 0, TimeSpan.Zero);
        var clock = new ManualClock(start);
        await using var emulator = await AccEmulator.StartAsync(new EmulatorOptions { Dataset = { Projects = 1, ReviewsPerProject = 1 } }, ct);
        await using var host = AccTestHost.Start(emulator, time: clock);

        var first = await host.Tokens.GetTokenAsync(host.Connection, ct);

        // 3599 s tokens renew when max(60 s, 10% of 3599 s) = 359.9 s remain.
        Assert.Equal(start.AddSeconds(3599), first.ExpiresAt);
        Assert.Equal(start + TimeSpan.FromSeconds(3599) - TimeSpan.FromMilliseconds(359_900), first.RefreshAt);
        clock.Set(first.RefreshAt.AddTicks(-1));
        Assert.Same(first, await host.Tokens.GetTokenAsync(host.Connection, ct));
        clock.Set(first.RefreshAt);
        var second = await host.Tokens.GetTokenAsync(host.Connection, ct);
        Assert.NotEqual(first.AccessToken, second.AccessToken);
        Assert.Equal(2, emulator.GetStats().Count(TokenEndpoint));
    }

    [Fact]
    public async Task Invalidate_SameTokenTwice_RenewsOnlyOnce()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var emulator = await AccEmulator.StartAsync(new EmulatorOptions { Dataset = { Projects = 1, ReviewsPerProject = 1 } }, ct);
        await using var host = AccTestHost.Start(emulator);
        var rejected = await host.Tokens.GetTokenAsync(host.Connection, ct);

        host.Tokens.Invalidate(host.Connection, rejected);
        var renewed = await host.Tokens.GetTokenAsync(host.Connection, ct);
        host.Tokens.Invalidate(host.Connection, rejected);

        Assert.Same(renewed, await host.Tokens.GetTokenAsync(host.Connection, ct));
        Assert.Equal(2, emulator.GetStats().Count(TokenEndpoint));
    }

    [Fact]
    public async Task GetPageAsync_BadClientSecret_ThrowsAuthenticationExceptionNamingTheClientNotTheSecret()
    {
        var ct = TestContext.Current.CancellationToken;
        const string wrongSecret = "not-the-secret-7f3a";
        await using var emulator = await AccEmulator.StartAsync(new EmulatorOptions { Dataset = { Projects = 1, ReviewsPerProject = 1 } }, ct);
        await using var host = AccTestHost.Start(emulator);
        var connection = host.Connection with { ClientSecret = wrongSecret };

        var error = await Assert.ThrowsAsync<AccAuthenticationException>(
            () => host.Client.GetPageAsync(connection, host.Client.ReviewsUrl(connection, emulator.ProjectIds[0], false, null), ct));

        Assert.Contains("'demo-client'", error.Message, StringComparison.Ordinal);
        Assert.Contains(emulator.BaseUrl.Authority, error.Message, StringComparison.Ordinal);
        Assert.Contains("invalid_client", error.Message, StringComparison.Ordinal);
        Assert.Contains("client secret", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(wrongSecret, error.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(host.Logs.Lines, line => line.Contains(wrongSecret, StringComparison.Ordinal));
        Assert.False(error.IsTransient);
        Assert.Equal(1, emulator.GetStats().Count(TokenEndpoint));
    }

    [Fact]
    public async Task GetTokenAsync_WrongSecretForACachedClient_IsNotHandedTheCachedToken()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var emulator = await AccEmulator.StartAsync(new EmulatorOptions { Dataset = { Projects = 1, ReviewsPerProject = 1 } }, ct);
        await using var host = AccTestHost.Start(emulator);
        await host.Tokens.GetTokenAsync(host.Connection, ct);

        await Assert.ThrowsAsync<AccAuthenticationException>(
            async () => await host.Tokens.GetTokenAsync(host.Connection with { ClientSecret = "guess" }, ct));
    }

    [Fact]
    public async Task AddAccSource_PageSizeOverTheApiLimit_FailsValidation()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var emulator = await AccEmulator.StartAsync(new EmulatorOptions { Dataset = { Projects = 1, ReviewsPerProject = 1 } }, ct);
        await using var host = AccTestHost.Start(emulator, new Dictionary<string, string> { ["PageSize"] = "51" });

        var error = Assert.Throws<OptionsValidationException>(() => host.Services.GetRequiredService<IOptions<AccSourceOptions>>().Value);

        Assert.Contains("PageSize", error.Message, StringComparison.Ordinal);
    }
}
