using System.Globalization;
using OrleansSync.Benchmarks.Hosting;
using OrleansSync.Benchmarks.Runner;
using OrleansSync.Progress;

namespace OrleansSync.Benchmarks.Progress;

/// <summary>
/// <c>progress</c>: 100 tasks × 1,000 reports through the real progress writers on an in-process silo on PostgreSQL,
/// with the shipped coalescing (N = 5 reports, T = 2 s). Targets: ≥ 50,000 updates/s accepted, rows ≤ updates / 5,
/// p99 staleness ≤ T + 0.5 s.
/// </summary>
public sealed class ProgressScenario : IScenario
{
    private const int EveryUpdates = 5;

    private static readonly TimeSpan FlushInterval = TimeSpan.FromSeconds(2);

    public string Name => "progress";

    public string Description =>
        "100 tasks x 1,000 progress reports through the progress-writer grains (N=5, T=2 s) on an in-process silo on PostgreSQL: " +
        "updates/s accepted (>= 50,000), rows (<= updates / 5), statements, p99 staleness (<= T + 0.5 s).";

    public async Task<ScenarioResult> RunAsync(bool quick, CancellationToken cancellationToken)
    {
        var (tasks, updates) = quick ? (20, 100) : (100, 1_000);
        await using var database = await BenchmarkDatabase.CreateAsync(cancellationToken);
        await using var silo = await BenchmarkSilo.StartAsync(
            database.ConnectionString,
            new Dictionary<string, string?>
            {
                ["OrleansSync:Progress:EveryUpdates"] = EveryUpdates.ToString(CultureInfo.InvariantCulture),
                ["OrleansSync:Progress:FlushInterval"] = FlushInterval.ToString("c", CultureInfo.InvariantCulture),
            },
            cancellationToken);

        // Warm up first (activations, JIT tiers, the thread pool) with tasks of their own, ended so that nothing of
        // theirs is pending; the figures are the writers' counters from here on.
        var writers = Enumerable.Range(0, ProgressBuckets.Count).Select(b => silo.Client.GetGrain<IProgressWriterGrain>(b)).ToList();
        await new ProgressLoad(tasks / 5, updates / 5).RunAsync(silo.Client, cancellationToken);
        var before = await Task.WhenAll(writers.Select(w => w.GetStatsAsync(cancellationToken)));

        var load = new ProgressLoad(tasks, updates);
        var sampler = new StalenessSampler(database.ConnectionString, load);
        using var samplerDeadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var sampling = sampler.RunAsync(samplerDeadline.Token);
        var elapsed = await load.RunAsync(silo.Client, cancellationToken);
        // Terminal rows are written before their report returns, so the sampler sees the last ones within a poll or two.
        samplerDeadline.CancelAfter(TimeSpan.FromSeconds(30));
        try
        {
            await sampling;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException("sync.progress did not show every task's terminal report within 30 s of the last report");
        }

        var stats = await Task.WhenAll(writers.Select(w => w.GetStatsAsync(cancellationToken)));
        var sent = (double)tasks * updates;
        var updatesPerSecond = sent / elapsed.TotalSeconds;
        var (rows, statements, received) = (
            stats.Sum(static s => s.RowsWritten) - before.Sum(static s => s.RowsWritten),
            stats.Sum(static s => s.Statements) - before.Sum(static s => s.Statements),
            stats.Sum(static s => s.Updates) - before.Sum(static s => s.Updates));
        var (p50, p99, max) = (sampler.Percentile(50), sampler.Percentile(99), sampler.Percentile(100));
        var stalenessBound = FlushInterval.TotalSeconds + 0.5;

        return new ScenarioResult(
            Name,
            quick,
            new Dictionary<string, object>
            {
                ["tasks"] = tasks,
                ["updatesPerTask"] = updates,
                ["writers"] = ProgressBuckets.Count,
                ["everyUpdates"] = EveryUpdates,
                ["flushIntervalSeconds"] = FlushInterval.TotalSeconds,
                ["pollIntervalSeconds"] = StalenessSampler.Interval.TotalSeconds,
                ["silos"] = 1,
                ["warmUpUpdates"] = tasks / 5 * (updates / 5),
            },
            $"{tasks} tasks × {updates:N0} updates, {ProgressBuckets.Count} writers, N={EveryUpdates}, T={FlushInterval.TotalSeconds:0.#} s, 1 in-process silo",
            new Dictionary<string, double>
            {
                ["updates"] = sent,
                ["updatesReceived"] = received,
                ["elapsedSeconds"] = elapsed.TotalSeconds,
                ["updatesPerSecond"] = updatesPerSecond,
                ["rows"] = rows,
                ["rowsPerUpdate"] = rows / sent,
                ["statements"] = statements,
                ["rowsPerStatement"] = statements == 0 ? 0 : (double)rows / statements,
                ["stalenessSamples"] = sampler.Samples.Count,
                ["stalenessP50Seconds"] = p50,
                ["stalenessP99Seconds"] = p99,
                ["stalenessMaxSeconds"] = max,
            },
            $"{updatesPerSecond:N0} updates/s accepted ({sent:N0} in {elapsed.TotalSeconds:0.00} s); {rows:N0} rows in {statements:N0} statements; " +
            $"staleness p50 {p50:0.00} s, p99 {p99:0.00} s, max {max:0.00} s",
            [
                new Target("updatesPerSecond", AtLeast: true, 50_000, updatesPerSecond),
                new Target("rows", AtLeast: false, sent / EveryUpdates, rows),
                new Target("stalenessP99Seconds", AtLeast: false, stalenessBound, p99),
            ],
            [
                "updates/s: reports sent by concurrent callers (one sequential caller per task, each awaiting its writer's answer) over the wall time from the first send to the last answer; calls through the silo's own client, no network hop.",
                $"staleness: sync.progress polled on a separate connection every {StalenessSampler.Interval.TotalMilliseconds:0} ms; a report's staleness is the end of the first poll whose progress_seq reached its sequence minus its send time (an upper bound, resolution one poll).",
                "rows and statements: the writers' own counters (IProgressWriterGrain.GetStatsAsync) over the measured load; the last report of each task is terminal and written at once.",
                $"warm-up: {tasks / 5} tasks × {updates / 5} reports of their own before the measured load (activations, JIT, thread pool).",
                .. quick ? ["quick: small sizes for CI, no measurement."] : Array.Empty<string>(),
            ]);
    }
}
