using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using OrleansSync.Pipeline;
using OrleansSync.Resilience;

namespace OrleansSync.Telemetry;

/// <summary>
/// The sync engine's own instruments (meter <see cref="MeterName"/>), exported by each silo on /metrics beside
/// Orleans' runtime metrics. Tags are streams, outcomes and phases only: never project secrets, never record contents.
/// It knows nothing of tasks or streams beyond the names and numbers they hand it, so it depends on neither.
/// </summary>
public sealed class SyncMetrics
{
    public const string MeterName = "OrleansSync";

    private readonly Counter<long> _records;
    private readonly Counter<long> _pages;
    private readonly Counter<long> _calls;
    private readonly Counter<long> _failedAttempts;
    private readonly Counter<long> _tasksFinished;
    private readonly Counter<long> _hung;
    private readonly Counter<long> _resumed;
    private readonly Counter<long> _progressUpdates;
    private readonly Counter<long> _progressRows;
    private readonly Counter<long> _progressStatements;
    private readonly Counter<long> _stale;
    private readonly Counter<long> _breakerTransitions;

    // The breaker phase of every live task activation on this silo, for the gauge.
    private readonly ConcurrentDictionary<string, BreakerPhase> _taskBreakers = new(StringComparer.Ordinal);

    // The last lag seen of every streaming task activation on this silo, with its stream, for the gauges.
    private readonly ConcurrentDictionary<string, (string Stream, ulong Bytes, double Seconds)> _lags = new(StringComparer.Ordinal);

    // The adaptive window's size of every children walk running on this silo, with its stream, for the gauge.
    private readonly ConcurrentDictionary<WindowHandle, string> _windows = new();

    public SyncMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        _records = meter.CreateCounter<long>("orleanssync.records", "{record}", "Records landed in mirror tables, by stream and outcome.");
        _pages = meter.CreateCounter<long>("orleanssync.pages", "{page}", "Pages landed, each in one transaction with its checkpoint.");
        _calls = meter.CreateCounter<long>("orleanssync.upstream.calls", "{call}", "Upstream HTTP calls, retries and token requests included.");
        _failedAttempts = meter.CreateCounter<long>("orleanssync.task.failed_attempts", "{attempt}", "Task runs that failed and will be retried, by stream and kind (transient, throttled).");
        _tasksFinished = meter.CreateCounter<long>("orleanssync.tasks.finished", "{task}", "Tasks that reached a terminal status.");
        _hung = meter.CreateCounter<long>("orleanssync.tasks.hung", "{task}", "Running tasks the watchdog found without progress and restarted from their checkpoint.");
        _stale = meter.CreateCounter<long>("orleanssync.tasks.stale_activations", "{activation}", "Task activations that found their state or checkpoint written by another activation, and stopped.");
        _breakerTransitions = meter.CreateCounter<long>("orleanssync.breaker.transitions", "{transition}", "Circuit breaker transitions, by owner (task, project) and transition.");
        _resumed = meter.CreateCounter<long>("orleanssync.tasks.resumed", "{activation}", "Task activations that found their task unfinished and resumed it from its checkpoint (after a silo death, a deactivation, or a duplicate activation).");
        _progressUpdates = meter.CreateCounter<long>("orleanssync.progress.updates", "{update}", "Task progress updates the progress writers received.");
        _progressRows = meter.CreateCounter<long>("orleanssync.progress.rows_written", "{row}", "sync.progress rows the progress writers wrote.");
        _progressStatements = meter.CreateCounter<long>("orleanssync.progress.statements", "{statement}", "Statements the progress writers sent to PostgreSQL.");
        meter.CreateObservableGauge(
            "orleanssync.cdc.lag_bytes",
            () => ObserveLags(static l => (double)l.Bytes),
            "By",
            "Source WAL a streaming task's slot keeps (the source's position less the slot's confirmed one), by stream: the largest of this silo's tasks of that stream.");
        meter.CreateObservableGauge(
            "orleanssync.cdc.lag_seconds",
            () => ObserveLags(static l => l.Seconds),
            "s",
            "How long since a streaming task's mirror last held everything its source had (0 when it does), by stream: the largest of this silo's tasks of that stream.");
        meter.CreateObservableGauge("orleanssync.breakers", ObserveBreakers, "{task}", "Live task activations on this silo by breaker phase.");
        meter.CreateObservableGauge(
            "orleanssync.children.window",
            ObserveWindows,
            "{fetch}",
            "Children fetches allowed in flight (the adaptive window W) by stream, summed over the children walks running on this silo.");
    }

    public void PageLanded(string stream, PageTally tally, PageWriteResult result)
    {
        var tag = new KeyValuePair<string, object?>("stream", stream);
        _pages.Add(1, tag);
        _calls.Add(tally.Calls, tag);
        Add(stream, "inserted", result.Inserted);
        Add(stream, "updated", result.Updated);
        Add(stream, "unchanged", result.Unchanged);
        Add(stream, "dead_lettered", result.DeadLettered);
    }

    public void TaskResumed(string stream) => _resumed.Add(1, new KeyValuePair<string, object?>("stream", stream));

    public void ProgressReceived() => _progressUpdates.Add(1);

    public void ProgressWritten(int rows)
    {
        _progressRows.Add(rows);
        _progressStatements.Add(1);
    }

    /// <param name="stream">The task's stream.</param>
    /// <param name="kind">How the attempt failed (transient, throttled, …).</param>
    public void AttemptFailed(string stream, string kind) =>
        _failedAttempts.Add(1, new("stream", stream), new("kind", kind));

    /// <param name="stream">The task's stream.</param>
    /// <param name="status">Its terminal status, as the CLI writes it.</param>
    public void TaskFinished(string stream, string status) =>
        _tasksFinished.Add(1, new("stream", stream), new("status", status));

    public void TaskHung(string stream) => _hung.Add(1, new KeyValuePair<string, object?>("stream", stream));

    public void StaleActivation() => _stale.Add(1);

    public void BreakerTransition(string owner, BreakerTransition transition) =>
        _breakerTransitions.Add(1, new("owner", owner), new("transition", transition.ToString().ToLowerInvariant()));

    public void BreakerObserved(string taskId, BreakerPhase phase) => _taskBreakers[taskId] = phase;

    public void BreakerForgotten(string taskId) => _taskBreakers.TryRemove(taskId, out _);

    public void LagObserved(string taskId, string stream, ulong bytes, double seconds) => _lags[taskId] = (stream, bytes, seconds);

    public void LagForgotten(string taskId) => _lags.TryRemove(taskId, out _);

    /// <summary>Shows a walk's window, read through <paramref name="size"/>, on the gauge until the returned handle is disposed (the walk ends).</summary>
    public IDisposable WindowOpened(string stream, Func<int> size)
    {
        var handle = new WindowHandle(_windows, size);
        _windows[handle] = stream;
        return handle;
    }

    private IEnumerable<Measurement<double>> ObserveLags(Func<(string Stream, ulong Bytes, double Seconds), double> value) =>
        _lags.Values
            .GroupBy(static l => l.Stream, StringComparer.Ordinal)
            .Select(g => new Measurement<double>(g.Max(value), new KeyValuePair<string, object?>("stream", g.Key)));

    private IEnumerable<Measurement<int>> ObserveWindows() =>
        _windows
            .GroupBy(static w => w.Value, StringComparer.Ordinal)
            .Select(static g => new Measurement<int>(g.Sum(static w => w.Key.Size()), new KeyValuePair<string, object?>("stream", g.Key)));

    private IEnumerable<Measurement<int>> ObserveBreakers()
    {
        var counts = new int[3];
        foreach (var phase in _taskBreakers.Values)
        {
            counts[(int)phase]++;
        }

        yield return new(counts[(int)BreakerPhase.Closed], new KeyValuePair<string, object?>("phase", "closed"));
        yield return new(counts[(int)BreakerPhase.Open], new KeyValuePair<string, object?>("phase", "open"));
        yield return new(counts[(int)BreakerPhase.HalfOpen], new KeyValuePair<string, object?>("phase", "halfopen"));
    }

    private void Add(string stream, string outcome, long count)
    {
        if (count > 0)
        {
            _records.Add(count, new("stream", stream), new("outcome", outcome));
        }
    }

    private sealed class WindowHandle(ConcurrentDictionary<WindowHandle, string> windows, Func<int> size) : IDisposable
    {
        public Func<int> Size { get; } = size;

        public void Dispose() => windows.TryRemove(this, out _);
    }
}
