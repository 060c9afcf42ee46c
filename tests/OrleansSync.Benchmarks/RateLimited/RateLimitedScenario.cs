using System.Globalization;
using OrleansSync.Benchmarks.Hosting;
using OrleansSync.Benchmarks.Runner;
using OrleansSync.Emulator;
using OrleansSync.Tasks;

namespace OrleansSync.Benchmarks.RateLimited;

/// <summary>
/// <c>rate-limited</c>: 4 projects × 500 reviews on one credential, synced at once on 3 silo processes against the
/// emulator's quota, at a generous (100 calls/s) and a tight (20 calls/s) rate in one-second windows, and at 2,000
/// calls in ACC's one-minute window, each on a fresh database and cluster.
/// Targets: elapsed ≤ 1.05 × bound (bound = minimal Reviews API calls ÷ rate), calls ≤ 1.02 × minimal, 429 share ≤ 1%.
/// </summary>
public sealed class RateLimitedScenario : IScenario
{
    private const string TokenEndpoint = "POST /authentication/v2/token";

    // Some latency, as a real upstream has: a task that calls one review at a time is then bound by it.
    private const int LatencyMs = 50;

    public string Name => "rate-limited";

    public string Description =>
        "4 projects x 500 reviews, one credential, 3 silo processes, emulator quota at 100 and at 20 Reviews API calls/s and at 2000 a minute: " +
        "elapsed / bound (<= 1.05; bound = minimal calls / rate), calls / minimal (<= 1.02), 429 share (<= 1%).";

    public async Task<ScenarioResult> RunAsync(bool quick, CancellationToken cancellationToken)
    {
        var (projects, reviews, silos) = quick ? (1, 60, 1) : (4, 500, 3);
        RateCase[] cases = quick ? [RateCase.Generous] : [RateCase.Generous, RateCase.Tight, RateCase.Minute];
        var figures = new Dictionary<string, double>();
        var texts = new List<string>();
        var targets = new List<Target>();
        foreach (var rate in cases)
        {
            var outcome = await RunCaseAsync(rate, projects, reviews, silos, cancellationToken);
            foreach (var (key, value) in outcome.Figures)
            {
                figures[$"{rate.Name}{char.ToUpperInvariant(key[0])}{key[1..]}"] = value;
            }

            texts.Add(outcome.Text);
            targets.Add(new Target($"{rate.Name}ElapsedPerBound", AtLeast: false, 1.05, outcome.Figures["elapsedPerBound"]));
            targets.Add(new Target($"{rate.Name}CallsPerMinimal", AtLeast: false, 1.02, outcome.Figures["callsPerMinimal"]));
            targets.Add(new Target($"{rate.Name}ThrottledShare", AtLeast: false, 0.01, outcome.Figures["throttledShare"]));
        }

        return new ScenarioResult(
            Name,
            quick,
            new Dictionary<string, object>
            {
                ["projects"] = projects,
                ["reviewsPerProject"] = reviews,
                ["silos"] = silos,
                ["credentials"] = 1,
                ["latencyMs"] = LatencyMs,
                ["reviewsCallsPerSecond"] = cases.Select(static c => c.ReviewsPerSecond).ToArray(),
                ["windowSeconds"] = cases.Select(static c => c.Limits.Window.TotalSeconds).ToArray(),
            },
            $"{projects} project(s) × {reviews} reviews, 1 credential, {silos} silo process(es), {LatencyMs} ms upstream latency, quota " +
            string.Join(" and ", cases.Select(static c => $"{c.Limits.ReviewsPerWindow} calls per {c.Limits.Window.TotalSeconds:0} s")),
            figures,
            string.Join("; ", texts),
            targets,
            [
                "bound: minimal Reviews API calls ÷ the quota's rate; minimal calls = every list page (reviews active and archived, workflows ACTIVE and INACTIVE, 50 a page) + 2 × reviews (versions, progress), from the emulator's dump; minimal total adds 1 token call (one credential, one token per expiry).",
                "elapsed: the first run's start to the last run's end, from the runs' own StartedAt/FinishedAt (all projects started at once).",
                "childrenStartSeconds: when the last project's first children task started, from the first run's start (they start with the run's reviews task and follow what it lands); childrenPhasePerBound: the time after it over 2 × reviews ÷ rate.",
                "calls and 429s: the emulator's stats (every answered call, 429s and token calls included); throttledShare = 429 ÷ calls.",
                "each rate on a fresh emulator, database and cluster; the silos get OrleansSync__RateBudget__{Window,Reviews,Admin,Token} matching the emulator's limits (read by the cluster-wide budget; ignored by a build without it).",
                .. quick ? ["quick: 1 project, 1 silo, generous rate only; no measurement."] : Array.Empty<string>(),
            ]);
    }

    private static async Task<(Dictionary<string, double> Figures, string Text)> RunCaseAsync(RateCase rate, int projects, int reviews, int silos, CancellationToken cancellationToken)
    {
        await using var emulator = await AccEmulator.StartAsync(
            new EmulatorOptions
            {
                Dataset = { Seed = 97, Projects = projects, ReviewsPerProject = reviews, WorkflowsPerProject = 5, VersionsPerReview = 2, ProgressStepsPerReview = 2, ArchivedShare = 0.1 },
                RateLimits = rate.Limits,
                Faults = new FaultSettings { LatencyMs = LatencyMs },
            },
            cancellationToken);
        await using var database = await BenchmarkDatabase.CreateAsync(cancellationToken);
        var environment = Syncs.SiloEnvironment(emulator);
        foreach (var (key, value) in rate.BudgetEnvironment())
        {
            environment[key] = value;
        }

        await using var cluster = await SiloCluster.StartAsync(database, silos, environment, cancellationToken);
        var projectIds = emulator.ProjectIds;
        await Syncs.AddProjectsAsync(cluster.Client, emulator, projectIds, cancellationToken);
        var dataset = await Dataset.ReadAsync(emulator, projectIds, cancellationToken);
        emulator.ResetStats();

        var started = await Syncs.StartAsync(cluster.Client, projectIds, cancellationToken);
        var runs = await Syncs.WaitAsync(cluster.Client, started, TimeSpan.FromMinutes(20), cancellationToken);
        var failed = runs.Where(static r => r.Run.Status != SyncTaskStatus.Succeeded).ToList();
        if (failed.Count > 0)
        {
            throw new InvalidOperationException($"{rate.Name}: {failed.Count} run(s) did not succeed: " +
                string.Join("; ", failed.SelectMany(static r => r.Tasks).Select(static t => $"{t.Spec.ProjectId}/{t.Spec.Stream} {t.Status} {t.Errors.LastOrDefault()?.Message}")));
        }

        var firstStart = runs.Min(static r => r.Run.StartedAt);
        var elapsed = (runs.Max(static r => r.Run.FinishedAt!.Value) - firstStart).TotalSeconds;
        // Children tasks start with their run's reviews task and fetch the children of the reviews as they land, so
        // the budget is not left to the list pages alone (one at a time, each waiting for upstream's latency).
        var childrenStart = runs
            .Select(r => r.Tasks.Where(static t => t.Spec.Stream is "review_versions" or "review_progress").Min(static t => t.StartedAt) ?? firstStart)
            .Max(t => (t - firstStart).TotalSeconds);
        var childrenBound = 2.0 * dataset.Reviews / rate.ReviewsPerSecond;
        var stats = emulator.GetStats();
        var mirrored = await Dataset.MirroredAsync(database, cancellationToken);
        var calls = (double)stats.Total;
        var throttled = (double)stats.ByStatus.GetValueOrDefault("429");
        var tokens = (double)stats.Count(TokenEndpoint);
        var minimal = dataset.MinimalReviewsApiCalls + 1.0;
        var bound = dataset.MinimalReviewsApiCalls / rate.ReviewsPerSecond;
        var figures = new Dictionary<string, double>
        {
            ["elapsedSeconds"] = elapsed,
            ["boundSeconds"] = bound,
            ["elapsedPerBound"] = elapsed / bound,
            ["calls"] = calls,
            ["minimalCalls"] = minimal,
            ["callsPerMinimal"] = calls / minimal,
            ["throttled"] = throttled,
            ["throttledShare"] = calls == 0 ? 0 : throttled / calls,
            ["tokenCalls"] = tokens,
            ["callsPerSecond"] = calls / elapsed,
            ["childrenStartSeconds"] = childrenStart,
            ["childrenPhasePerBound"] = (elapsed - childrenStart) / childrenBound,
            ["records"] = mirrored.Records,
            ["mirrorExact"] = mirrored with { ListPages = dataset.ListPages } == dataset ? 1 : 0,
        };
        var text = string.Create(
            CultureInfo.InvariantCulture,
            $"{rate.Name} {rate.ReviewsPerSecond:0}/s: {elapsed:0.0} s for a bound of {bound:0.0} s ({elapsed / bound:0.00}×), " +
            $"{calls:N0} calls for {minimal:N0} minimal ({calls / minimal:0.000}×), {throttled:N0} 429s ({throttled / Math.Max(1, calls):P1}), {tokens:0} token calls; " +
            $"children started {childrenStart:0.0} s in, then took {(elapsed - childrenStart) / childrenBound:0.00}× their own bound");
        return (figures, text);
    }
}
