using System.Globalization;
using System.Net;
using Microsoft.Extensions.Time.Testing;
using OrleansSync.Emulator.Tests.Infrastructure;

namespace OrleansSync.Emulator.Tests.Faults;

/// <summary>
/// Every upstream answer carries an HTTP Date, normal, rejected, faulted or hostile: the upstream's wall clock, which
/// stamps changes too, but less the replication lag (a change shows up in answers after its updatedAt).
/// </summary>
public sealed class DateHeaderTests
{
    [Fact]
    public async Task UpstreamAnswers_EveryKind_CarryDateHeader()
    {
        var ct = TestContext.Current.CancellationToken;
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 3, 4, 5, 6, 7, 890, TimeSpan.Zero));
        var options = TestOptions.Small();
        options.TimeProvider = clock;
        await using var emulator = await AccEmulator.StartAsync(options, ct);
        using var client = new UpstreamClient(emulator);
        var token = await client.TokenAsync(ct);
        var path = UpstreamClient.ReviewsPath(emulator.ProjectIds[0]);
        var answers = new List<(string Name, HttpStatusCode Status, DateTimeOffset? Date)>();

        async Task RecordAsync(string name, Func<Task<HttpResponseMessage>> send)
        {
            using var response = await send();
            answers.Add((name, response.StatusCode, response.Headers.Date));
        }

        await RecordAsync("token", () => client.RequestTokenRawAsync(ct));
        await RecordAsync("ok", () => client.GetRawAsync(path, token, ct));
        await RecordAsync("unauthorized", () => client.GetRawAsync(path, null, ct));
        await RecordAsync("not found", () => client.GetRawAsync(path + "/nope", token, ct));
        emulator.ThrottleNext(1);
        await RecordAsync("throttled", () => client.GetRawAsync(path, token, ct));
        emulator.AddHostile(new HostileRule(HostileTarget.Reviews, HostileKind.Html200, Times: 1));
        await RecordAsync("html200", () => client.GetRawAsync(path, token, ct));
        emulator.AddHostile(new HostileRule(HostileTarget.Reviews, HostileKind.Truncated, Times: 1));
        await RecordAsync("truncated", () => client.GetRawAsync(path, token, ct));
        emulator.AddHostile(new HostileRule(HostileTarget.Reviews, HostileKind.TotalResultsLie, Times: 1));
        await RecordAsync("totalResultsLie", () => client.GetRawAsync(path, token, ct));
        emulator.SetFaults(emulator.Faults with { OutageStatus = 503 });
        await RecordAsync("outage", () => client.GetRawAsync(path, token, ct));

        Assert.Equal(
            [HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.Unauthorized, HttpStatusCode.NotFound, HttpStatusCode.TooManyRequests,
                HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.ServiceUnavailable],
            answers.Select(a => a.Status));
        var toTheSecond = new DateTimeOffset(2026, 3, 4, 5, 6, 7, TimeSpan.Zero);
        Assert.All(answers, a => Assert.True(a.Date == toTheSecond, $"{a.Name}: Date {a.Date}, upstream clock {clock.GetUtcNow():O}"));
    }

    [Fact]
    public async Task Date_AfterAMutation_IsLaterThanTheChangedRecordsByTheReplicationLag()
    {
        var ct = TestContext.Current.CancellationToken;
        var now = new DateTimeOffset(2026, 3, 4, 5, 6, 7, TimeSpan.Zero);
        var options = TestOptions.Small(faults: new FaultSettings { ReplicationLagMs = 2500 });
        options.TimeProvider = new FakeTimeProvider(now);
        await using var emulator = await AccEmulator.StartAsync(options, ct);
        using var client = new UpstreamClient(emulator);
        var token = await client.TokenAsync(ct);

        var mutation = emulator.Mutate(3);
        using var after = await client.GetRawAsync(UpstreamClient.ReviewsPath(emulator.ProjectIds[0]), token, ct);

        // Stamped 2.5 s before the clock, 1 ms apart: every change is older than the answer that first lists it.
        var stamps = mutation.Changes.Select(static c => DateTimeOffset.Parse(c.UpdatedAt, CultureInfo.InvariantCulture)).ToList();
        Assert.Equal([now.AddMilliseconds(-2500), now.AddMilliseconds(-2499), now.AddMilliseconds(-2498)], stamps);
        Assert.Equal(now, after.Headers.Date);
        Assert.Equal(stamps[^1], emulator.LastStamp);
    }

    [Fact]
    public async Task Date_WithDateSkew_LiesByTheSkewWhileRecordsKeepTheTrueClock()
    {
        var ct = TestContext.Current.CancellationToken;
        var now = new DateTimeOffset(2026, 3, 4, 5, 6, 7, TimeSpan.Zero);
        var options = TestOptions.Small(faults: new FaultSettings { ReplicationLagMs = 0, DateSkewSeconds = 86_400 });
        options.TimeProvider = new FakeTimeProvider(now);
        await using var emulator = await AccEmulator.StartAsync(options, ct);
        using var client = new UpstreamClient(emulator);
        var token = await client.TokenAsync(ct);

        var mutation = emulator.Mutate(1);
        using var answer = await client.GetRawAsync(UpstreamClient.ReviewsPath(emulator.ProjectIds[0]), token, ct);

        Assert.Equal(now.AddDays(1), answer.Headers.Date);
        Assert.Equal(now, DateTimeOffset.Parse(mutation.Changes[0].UpdatedAt, CultureInfo.InvariantCulture));
    }
}
