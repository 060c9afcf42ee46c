using System.Diagnostics;
using System.Globalization;
using OrleansSync.Benchmarks.Hosting;
using OrleansSync.Benchmarks.Runner;
using OrleansSync.Emulator;

namespace OrleansSync.Benchmarks.Api;

/// <summary>
/// <c>api</c>: one silo process serving the HTTP API. 1,000 clients follow its event feed while projects sync: every
/// event must reach each, with p99 from a page's commit (the event's <c>at</c>) to a client reading it at most 1 s, and
/// the silo's memory growing at most 150 MB. Then reads: <c>GET /api/v1/tasks</c> and <c>GET /api/v1/runs/{id}</c>
/// sent at 500 requests/s (open loop: each latency counts from when the request was due), p99 at most 50 ms.
/// </summary>
public sealed class ApiScenario : IScenario
{
    /// <summary>Seconds the read rate runs from idle before it is measured.</summary>
    private const int RampSeconds = 2;

    public string Name => "api";

    public string Description =>
        "1 silo process, 1,000 SSE subscribers while 4 projects sync: every event to each, commit-to-delivery p99 <= 1 s, silo memory growth <= 150 MB; " +
        "then 500 GETs/s of tasks and runs, p99 <= 50 ms.";

    public async Task<ScenarioResult> RunAsync(bool quick, CancellationToken cancellationToken)
    {
        var (subscriberCount, projects, reviews, readRate, readSeconds) = quick ? (20, 2, 60, 50, 2) : (1000, 4, 300, 500, 10);
        await using var emulator = await AccEmulator.StartAsync(
            new EmulatorOptions
            {
                Dataset = { Seed = 29, Projects = projects, ReviewsPerProject = reviews, WorkflowsPerProject = 5, VersionsPerReview = 2, ProgressStepsPerReview = 2 },
                RateLimits = RateLimitOptions.Unlimited,
                // A little latency, so the runs last long enough for a stream of progress events.
                Faults = new FaultSettings { LatencyMs = 5 },
            },
            cancellationToken);
        await using var database = await BenchmarkDatabase.CreateAsync(cancellationToken);
        await using var cluster = await SiloCluster.StartAsync(database, 1, Syncs.SiloEnvironment(emulator), cancellationToken);
        var silo = cluster.Silos[0];
        await Syncs.AddProjectsAsync(cluster.Client, emulator, emulator.ProjectIds, cancellationToken);
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = int.MaxValue })
        {
            BaseAddress = new Uri($"http://127.0.0.1:{silo.HttpPort}"),
            Timeout = Timeout.InfiniteTimeSpan,
        };

        var memory = new WorkingSetPeak(silo);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var subscribers = Enumerable.Range(0, subscriberCount).Select(static _ => new SseSubscriber()).ToList();
        var reading = subscribers.Select(s => Task.Run(() => s.ReadAsync(http, stop.Token), CancellationToken.None)).ToList();
        await Task.WhenAll(subscribers.Select(static s => s.Ready)).WaitAsync(TimeSpan.FromMinutes(2), cancellationToken);

        var started = await Syncs.StartAsync(cluster.Client, emulator.ProjectIds, cancellationToken);
        var runs = await Syncs.WaitAsync(cluster.Client, started, TimeSpan.FromMinutes(10), cancellationToken);

        // Every subscriber has read up to the last id any of them read (the feed's end of these runs).
        var last = subscribers.Max(static s => s.LastId);
        await Poll.UntilAsync(
            () => Task.FromResult(subscribers.All(s => s.LastId >= last)),
            TimeSpan.FromMinutes(1), $"every subscriber to read up to event {last}", cancellationToken);
        await stop.CancelAsync();
        await Task.WhenAll(reading);
        // Compared up to that id, which every one reached, once they stopped reading: an event after it (raised after
        // the runs' ends) reaches some before they stop and not others, and is no loss.
        var received = subscribers.Select(s => s.Ids.Where(i => i <= last).ToHashSet()).ToList();
        var union = received.SelectMany(static ids => ids).ToHashSet();
        var missing = received.Count(ids => ids.Count != union.Count);
        var delays = subscribers.SelectMany(static s => s.Delays).ToList();
        var growthMb = await memory.StopAsync();

        // The rate is held for a while before it is measured: going from idle to it costs its first requests most of a
        // second (thread and connection pools growing, code tiering up), reported apart as the ramp.
        var runIds = runs.Select(static r => r.Run.RunId).ToList();
        var (_, rampP99, rampMax, _, rampErrors) = await ReadLoadAsync(http, runIds, readRate, RampSeconds, cancellationToken);
        var (readP50, readP99, readMax, achieved, errors) = await ReadLoadAsync(http, runIds, readRate, readSeconds, cancellationToken);
        var (p50, p99) = (Syncs.Percentile(delays, 50), Syncs.Percentile(delays, 99));
        return new ScenarioResult(
            Name,
            quick,
            new Dictionary<string, object>
            {
                ["subscribers"] = subscriberCount,
                ["projects"] = projects,
                ["reviewsPerProject"] = reviews,
                ["readRatePerSecond"] = readRate,
                ["readSeconds"] = readSeconds,
            },
            $"1 silo process; {subscriberCount} SSE subscribers while {projects} projects × {reviews} reviews sync; then {readRate} GETs/s for {readSeconds} s",
            new Dictionary<string, double>
            {
                ["events"] = union.Count,
                ["subscribersMissingEvents"] = missing,
                ["progressDeliveries"] = delays.Count,
                ["deliveryP50Seconds"] = p50,
                ["deliveryP99Seconds"] = p99,
                ["siloMemoryGrowthMb"] = growthMb,
                ["readP50Ms"] = readP50,
                ["readP99Ms"] = readP99,
                ["readMaxMs"] = readMax,
                ["readsPerSecondAchieved"] = achieved,
                ["readErrors"] = errors,
                ["readRampP99Ms"] = rampP99,
                ["readRampMaxMs"] = rampMax,
                ["readRampErrors"] = rampErrors,
            },
            string.Create(
                CultureInfo.InvariantCulture,
                $"{union.Count} events, {subscriberCount - missing}/{subscriberCount} subscribers got every one; commit to delivery p50 {p50:0.000} s, p99 {p99:0.000} s; " +
                $"silo memory +{growthMb:0} MB; reads p50 {readP50:0.0} ms, p99 {readP99:0.0} ms, max {readMax:0.0} ms at {achieved:0}/s, {errors} errors; " +
                $"the {RampSeconds} s ramp from idle before them: p99 {rampP99:0.0} ms, max {rampMax:0.0} ms, {rampErrors} errors"),
            [
                new Target("subscribersMissingEvents", AtLeast: false, 0, missing),
                new Target("deliveryP99Seconds", AtLeast: false, 1, p99),
                new Target("siloMemoryGrowthMb", AtLeast: false, 150, growthMb),
                new Target("readP99Ms", AtLeast: false, 50, readP99),
            ],
            [
                "delivery: a progress event's `at` (stamped by the silo when the task's report reached its progress writer, after the page's commit) to the moment a subscriber in this process read its data line; both on this machine's clock. The subscribers share this process's two cores with nothing but the read load that follows.",
                "every event: after the runs ended and every subscriber had read up to the last id any had read, reading stops and each subscriber's ids up to that one are compared with the union of all subscribers' (an event after it may reach some before they stop).",
                "memory: the silo process's working set, sampled every 100 ms from before the subscribers connected to the end of the runs, less its value then.",
                "reads: open loop, requests due at even intervals, alternating GET /api/v1/tasks (100 rows) and GET /api/v1/runs/{id} of a finished run; latency from when a request was due to its body read. The rate runs for a ramp of 2 s from idle first, reported apart (readRamp*), then for the measured seconds.",
                .. quick ? ["quick: 20 subscribers, 2 small projects, 50 reads/s for 2 s; no measurement."] : Array.Empty<string>(),
            ]);
    }

    private static async Task<(double P50, double P99, double Max, double Achieved, int Errors)> ReadLoadAsync(
        HttpClient http, IReadOnlyList<string> runIds, int rate, int seconds, CancellationToken cancellationToken)
    {
        var count = rate * seconds;
        var latencies = new double[count];
        var errors = 0;
        var clock = Stopwatch.StartNew();
        var requests = new List<Task>(count);
        for (var i = 0; i < count; i++)
        {
            var due = TimeSpan.FromSeconds((double)i / rate);
            if (due > clock.Elapsed)
            {
                await Task.Delay(due - clock.Elapsed, cancellationToken);
            }

            var path = i % 2 == 0 ? "/api/v1/tasks?limit=100" : $"/api/v1/runs/{Uri.EscapeDataString(runIds[i / 2 % runIds.Count])}";
            var index = i;
            requests.Add(Task.Run(
                async () =>
                {
                    try
                    {
                        using var response = await http.GetAsync(path, cancellationToken);
                        _ = await response.Content.ReadAsByteArrayAsync(cancellationToken);
                        if (!response.IsSuccessStatusCode)
                        {
                            Interlocked.Increment(ref errors);
                        }
                    }
                    catch (HttpRequestException)
                    {
                        Interlocked.Increment(ref errors);
                    }

                    latencies[index] = (clock.Elapsed - due).TotalMilliseconds;
                },
                CancellationToken.None));
        }

        await Task.WhenAll(requests);
        var achieved = count / clock.Elapsed.TotalSeconds;
        return (Syncs.Percentile(latencies, 50), Syncs.Percentile(latencies, 99), latencies.Max(), achieved, errors);
    }
}
