using System.Diagnostics;
using OrleansSync.Progress;
using OrleansSync.Sources.Acc;
using OrleansSync.Tasks;

namespace OrleansSync.Benchmarks.Progress;

/// <summary>
/// Stands in for running tasks: each task sends its reports to its progress writer one after another, as a task grain
/// does per landed page (sequence 1 to <see cref="Updates"/>, the last one terminal). Every report's send time is kept
/// for <see cref="StalenessSampler"/>.
/// </summary>
public sealed class ProgressLoad
{
    private readonly DateTimeOffset _startedAt = DateTimeOffset.UtcNow;

    public ProgressLoad(int tasks, int updates)
    {
        Updates = updates;
        TaskIds = [.. Enumerable.Range(0, tasks).Select(static i => $"bench-{Guid.NewGuid():N}")];
        SentAt = [.. TaskIds.Select(_ => new long[updates + 1])];
    }

    public IReadOnlyList<string> TaskIds { get; }

    public int Updates { get; }

    /// <summary>Per task, per sequence: <see cref="Stopwatch.GetTimestamp"/> when the report was sent (0 before).</summary>
    public long[][] SentAt { get; }

    /// <summary>Sends every task's reports, the tasks concurrently; returns how long until the last was accepted.</summary>
    public async Task<TimeSpan> RunAsync(IGrainFactory grains, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(TaskIds.Select((id, i) => Task.Run(() => ReportAllAsync(grains, i, id, cancellationToken), cancellationToken)));
        return clock.Elapsed;
    }

    private async Task ReportAllAsync(IGrainFactory grains, int index, string taskId, CancellationToken cancellationToken)
    {
        var writer = grains.GetGrain<IProgressWriterGrain>(ProgressBuckets.For(taskId));
        var spec = new SyncTaskSpec(taskId, $"bench-project-{index % 10}", StreamNames.Reviews, $"bench-run-{index}", false, "http://127.0.0.1:1/", "bench-client", "ORLEANSSYNC_SECRET_BENCH", null);
        var sent = SentAt[index];
        for (var sequence = 1; sequence <= Updates; sequence++)
        {
            var last = sequence == Updates;
            var now = DateTimeOffset.UtcNow;
            var view = new TaskView(
                spec,
                last ? SyncTaskStatus.Succeeded : SyncTaskStatus.Running,
                new TaskProgress(sequence, sequence * 50L, sequence * 50L, 0, 0, 0, Updates * 50L, sequence + 1L),
                _startedAt,
                now,
                last ? now : null,
                1,
                [],
                "benchmarks",
                sequence);
            Volatile.Write(ref sent[sequence], Stopwatch.GetTimestamp());
            await writer.ReportAsync(view, cancellationToken);
        }
    }
}
