using System.Net;
using OrleansSync.Emulator.Tests.Infrastructure;

namespace OrleansSync.Emulator.Tests.Faults;

/// <summary>
/// Every upstream answer carries an HTTP Date, normal, rejected, faulted or hostile, on the clock that dates the
/// records: clients take it as upstream's "now" (where an incremental listing began).
/// </summary>
public sealed class DateHeaderTests
{
    [Fact]
    public async Task UpstreamAnswers_EveryKind_CarryDateHeader()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var emulator = await AccEmulator.StartAsync(TestOptions.Small(), ct);
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
        var clock = emulator.Clock;
        var toTheSecond = clock.AddTicks(-(clock.Ticks % TimeSpan.TicksPerSecond));
        Assert.All(answers, a => Assert.True(a.Date == toTheSecond, $"{a.Name}: Date {a.Date}, upstream clock {clock:O}"));
    }

    [Fact]
    public async Task Date_AfterAMutation_IsNoLaterThanTheChangedRecordsUpdatedAt()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var emulator = await AccEmulator.StartAsync(TestOptions.Small(), ct);
        using var client = new UpstreamClient(emulator);
        var token = await client.TokenAsync(ct);
        using var before = await client.GetRawAsync(UpstreamClient.ReviewsPath(emulator.ProjectIds[0]), token, ct);

        var mutation = emulator.Mutate(3);

        Assert.All(mutation.Changes, c => Assert.True(DateTimeOffset.Parse(c.UpdatedAt, System.Globalization.CultureInfo.InvariantCulture) > before.Headers.Date, $"{c.Id} {c.UpdatedAt} vs Date {before.Headers.Date}"));
        using var after = await client.GetRawAsync(UpstreamClient.ReviewsPath(emulator.ProjectIds[0]), token, ct);
        Assert.True(after.Headers.Date > before.Headers.Date || emulator.Clock - before.Headers.Date < TimeSpan.FromSeconds(1));
    }
}
