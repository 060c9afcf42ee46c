using System.Diagnostics.Metrics;
using OrleansSync.Streams;
using OrleansSync.Tasks;

namespace OrleansSync.Telemetry;

/// <summary>
/// The sync engine's own instruments (meter <see cref="MeterName"/>), exported by each silo on /metrics beside
/// Orleans' runtime metrics. Tags are streams and outcomes only: never project secrets, never record contents.
/// </summary>
public sealed class SyncMetrics
{
    public const string MeterName = "OrleansSync";

    private readonly Counter<long> _records;
    private readonly Counter<long> _pages;
    private readonly Counter<long> _calls;
    private readonly Counter<long> _failedAttempts;
    private readonly Counter<long> _tasksFinished;

    public SyncMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        _records = meter.CreateCounter<long>("orleanssync.records", "{record}", "Records landed in mirror tables, by stream and outcome.");
        _pages = meter.CreateCounter<long>("orleanssync.pages", "{page}", "Pages landed, each in one transaction with its checkpoint.");
        _calls = meter.CreateCounter<long>("orleanssync.upstream.calls", "{call}", "Upstream HTTP calls, retries and token requests included.");
        _failedAttempts = meter.CreateCounter<long>("orleanssync.task.failed_attempts", "{attempt}", "Task runs that failed and were retried or tripped the task.");
        _tasksFinished = meter.CreateCounter<long>("orleanssync.tasks.finished", "{task}", "Tasks that reached a terminal status.");
    }

    public void PageLanded(string stream, PageLanded page)
    {
        var tag = new KeyValuePair<string, object?>("stream", stream);
        _pages.Add(1, tag);
        _calls.Add(page.Calls, tag);
        Add(stream, "inserted", page.Result.Inserted);
        Add(stream, "updated", page.Result.Updated);
        Add(stream, "unchanged", page.Result.Unchanged);
        Add(stream, "dead_lettered", page.Result.DeadLettered);
    }

    public void AttemptFailed(string stream) => _failedAttempts.Add(1, new KeyValuePair<string, object?>("stream", stream));

    public void TaskFinished(string stream, SyncTaskStatus status) =>
        _tasksFinished.Add(1, new("stream", stream), new("status", status.ToString().ToLowerInvariant()));

    private void Add(string stream, string outcome, long count)
    {
        if (count > 0)
        {
            _records.Add(count, new("stream", stream), new("outcome", outcome));
        }
    }
}
