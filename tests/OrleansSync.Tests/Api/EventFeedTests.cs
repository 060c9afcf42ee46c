using System.Diagnostics;
using System.Net;
using System.Net.ServerSentEvents;
using System.Text.Json;
using OrleansSync.Tests.Infrastructure;
using OrleansSync.Tests.Sync;

namespace OrleansSync.Tests.Api;

/// <summary>
/// The event feed on two real silos: either silo's subscriber sees the same events in the same rising order, a client
/// that reconnects with Last-Event-ID gets exactly the events after it, a task's progress comes at most once per
/// interval plus its status changes, and a client whose id is no longer kept hears so.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class EventFeedTests(ApiFixture fixture, ITestOutputHelper output)
{
    // OrleansSync:Events:EventInterval, left at its default.
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(500);

    private sealed record class Received(long Id, string Type, JsonElement Data);

    [Fact]
    public async Task Feed_SyncWatchedFromBothSilos_SameEventsInRisingOrder_ResumeGetsExactlyTheRest_OldIdsAreReset()
    {
        var ct = TestContext.Current.CancellationToken;
        var id = fixture.Emulator.ProjectIds[7];
        await SyncDriver.AddProjectAsync(fixture.Client, fixture.Emulator, id, ct);
        using var first = fixture.Authorized(fixture.Cluster.Silos[0]);
        using var second = fixture.Authorized(fixture.Cluster.Silos[1]);
        using var reading = CancellationTokenSource.CreateLinkedTokenSource(ct);
        reading.CancelAfter(TimeSpan.FromSeconds(90));

        var onFirst = await OpenAsync(first, $"/api/v1/events?project={id}", lastEventId: null, reading.Token);
        var onSecond = await OpenAsync(second, $"/api/v1/events?project={id}", lastEventId: null, reading.Token);
        var clock = Stopwatch.StartNew();
        using var posted = await fixture.Http.PostAsync($"/api/v1/projects/{id}/syncs", null, ct);
        Assert.Equal(HttpStatusCode.Accepted, posted.StatusCode);
        var runId = JsonDocument.Parse(await posted.Content.ReadAsStringAsync(ct)).RootElement.GetProperty("runId").GetString()!;

        var seenFirst = await ReadUntilRunEndedAsync(onFirst, runId, reading.Token);
        var elapsed = clock.Elapsed;
        var seenSecond = await ReadUntilRunEndedAsync(onSecond, runId, reading.Token);
        output.WriteLine($"{seenFirst.Count} events in {elapsed.TotalSeconds:0.0} s: {string.Join(", ", seenFirst.GroupBy(static e => e.Type).Select(static g => $"{g.Key} {g.Count()}"))}");

        // One order for the whole cluster, whichever silo is asked.
        Assert.Equal(seenFirst.Select(static e => e.Id), seenSecond.Select(static e => e.Id));
        Assert.True(seenFirst.Zip(seenFirst.Skip(1)).All(static p => p.First.Id < p.Second.Id), "ids rise");
        Assert.Equal("started", seenFirst.First(static e => e.Type == "run").Data.GetProperty("phase").GetString());
        Assert.Equal("succeeded", seenFirst[^1].Data.GetProperty("status").GetString());

        // Every task's end is there, and its progress came at most once per interval besides its status changes.
        var progress = seenFirst.Where(static e => e.Type == "progress").GroupBy(static e => e.Data.GetProperty("taskId").GetString()!).ToList();
        Assert.Equal(4, progress.Count);
        foreach (var task in progress)
        {
            Assert.Equal("succeeded", task.Last().Data.GetProperty("status").GetString());
            var statuses = task.Select(static e => e.Data.GetProperty("status").GetString()).Distinct().Count();
            var bound = (int)(elapsed / Interval) + 1 + statuses;
            Assert.True(task.Count() <= bound, $"task {task.Key}: {task.Count()} progress events in {elapsed.TotalSeconds:0.0} s, bound {bound}");
        }

        // Reconnecting after the fourth event from the end (the fixture keeps the last 10): exactly the rest, on the other silo.
        var resumeAfter = seenFirst[^4].Id;
        var resumed = await OpenAsync(second, $"/api/v1/events?project={id}", resumeAfter, reading.Token);
        var rest = await ReadUntilRunEndedAsync(resumed, runId, reading.Token);
        Assert.Equal(seenFirst.TakeLast(3).Select(static e => e.Id), rest.Select(static e => e.Id));

        // A second run pushes the first run's first events out (only 10 older than a second are kept): they are reset.
        var (again, _) = await SyncDriver.SyncToEndAsync(fixture.Client, id, full: true, ct);
        await Eventually.UntilAsync(
            async () =>
            {
                using var probe = CancellationTokenSource.CreateLinkedTokenSource(reading.Token);
                probe.CancelAfter(TimeSpan.FromSeconds(5));
                var events = await OpenAsync(first, $"/api/v1/events?project={id}", seenFirst[0].Id, probe.Token);
                await using var enumerator = events.GetAsyncEnumerator(probe.Token);
                return await enumerator.MoveNextAsync() && enumerator.Current.Type == "reset";
            },
            TimeSpan.FromSeconds(30),
            $"a client resuming after event {seenFirst[0].Id} to be told it is no longer kept (run {again.RunId} ended)",
            ct,
            static e => e is OperationCanceledException);
    }

    /// <summary>Opens the feed and returns its events as they come (the response stays open until the token ends).</summary>
    private static async Task<IAsyncEnumerable<Received>> OpenAsync(HttpClient http, string path, long? lastEventId, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (lastEventId is { } last)
        {
            request.Headers.Add("Last-Event-ID", last.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {path} answered {response.StatusCode}");
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        return Parse(response, ct);
    }

    private static async IAsyncEnumerable<Received> Parse(HttpResponseMessage response, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        using (response)
        {
            await using var body = await response.Content.ReadAsStreamAsync(ct);
            await foreach (var item in SseParser.Create(body).EnumerateAsync(ct))
            {
                if (item.EventType == "ready")
                {
                    Assert.Null(item.EventId);
                    continue;
                }

                yield return new Received(long.Parse(item.EventId!, System.Globalization.CultureInfo.InvariantCulture), item.EventType, JsonDocument.Parse(item.Data).RootElement.Clone());
            }
        }
    }

    private static async Task<List<Received>> ReadUntilRunEndedAsync(IAsyncEnumerable<Received> events, string runId, CancellationToken ct)
    {
        var seen = new List<Received>();
        await foreach (var item in events.WithCancellation(ct))
        {
            seen.Add(item);
            if (item.Type == "run" && item.Data.GetProperty("runId").GetString() == runId && item.Data.GetProperty("phase").GetString() == "ended")
            {
                return seen;
            }
        }

        throw new InvalidOperationException($"The feed ended before run {runId} did, after {seen.Count} events.");
    }
}
