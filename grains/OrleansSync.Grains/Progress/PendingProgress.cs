using Microsoft.Extensions.Logging;
using Npgsql;
using OrleansSync.Mirror;
using OrleansSync.Tasks;

namespace OrleansSync.Progress;

/// <summary>
/// A progress writer's unwritten rows: each task's newest report, kept until its row is in <c>sync.progress</c>.
/// Due rows go in one statement. When PostgreSQL fails for any reason but the data (it is away, a lock, a shutdown),
/// every row stays and the caller retries. When it refuses the statement for a data reason, the rows are written in
/// halves, down to the ones it refuses alone: the others land. A refused row is written again without its free text
/// (its errors give way to a note naming the refusal), so a terminal row lands even then; one refused in that form
/// too stays, is logged as an error, and is tried again with backoff (up to <see cref="MaxRetryDelay"/>), never dropped.
/// </summary>
/// <param name="table">Where rows go.</param>
/// <param name="time">The clock of coalescing and backoff.</param>
/// <param name="options">N and T.</param>
/// <param name="written">Told of each statement that landed, with its row count.</param>
/// <param name="logger">Where refusals are reported.</param>
public sealed partial class PendingProgress(ProgressTable table, TimeProvider time, ProgressWriterOptions options, Action<int> written, ILogger logger)
{
    /// <summary>The longest wait before a row PostgreSQL refused is tried again.</summary>
    public static readonly TimeSpan MaxRetryDelay = TimeSpan.FromMinutes(1);

    private readonly Dictionary<string, Pending> _pending = new(StringComparer.Ordinal);

    /// <summary>Tasks with an unwritten report.</summary>
    public int Count => _pending.Count;

    /// <summary>Keeps <paramref name="view"/> as its task's newest report (an older sequence never replaces a newer one).</summary>
    public void Add(TaskView view)
    {
        var id = view.Spec.TaskId;
        if (!_pending.TryGetValue(id, out var pending))
        {
            _pending[id] = new Pending(view, time.GetUtcNow());
            return;
        }

        pending.Updates++;
        if (pending.View.Sequence < view.Sequence)
        {
            // A new report may be storable where the refused one was not: it waits for no backoff.
            pending.View = view;
            pending.RetryAt = null;
        }
    }

    /// <summary>Whether <paramref name="taskId"/>'s newest report is still unwritten.</summary>
    public bool IsPending(string taskId) => _pending.ContainsKey(taskId);

    /// <summary>
    /// Writes every row that has N reports or has waited T, <paramref name="mustWrite"/>'s whatever its backoff, or
    /// with <paramref name="all"/> every row. Throws, keeping every row, when PostgreSQL fails for a reason other than the data.
    /// </summary>
    public async Task WriteDueAsync(bool all, CancellationToken cancellationToken, string? mustWrite = null)
    {
        var now = time.GetUtcNow();
        var due = _pending.Values
            .Where(p => all || p.View.Spec.TaskId == mustWrite
                || (p.RetryAt is not { } retryAt || retryAt <= now) && (p.Updates >= options.EveryUpdates || now - p.Since >= options.FlushInterval))
            .Select(static p => (p, p.View))
            .ToList();
        if (due.Count > 0)
        {
            await WriteAsync(due, cancellationToken);
        }
    }

    private async Task WriteAsync(List<(Pending Entry, TaskView View)> rows, CancellationToken cancellationToken)
    {
        try
        {
            await UpsertAsync([.. rows.Select(static r => r.View)], cancellationToken);
            rows.ForEach(Remove);
        }
        catch (PostgresException e) when (RefusedRecords.IsDataRefusal(e))
        {
            if (rows.Count == 1)
            {
                await RefusedAsync(rows[0].Entry, rows[0].View, e, cancellationToken);
                return;
            }

            // About 2k·log2(n) statements for k refused rows of n; the others land.
            var half = rows.Count / 2;
            await WriteAsync(rows[..half], cancellationToken);
            await WriteAsync(rows[half..], cancellationToken);
        }
    }

    private async Task RefusedAsync(Pending row, TaskView view, PostgresException refusal, CancellationToken cancellationToken)
    {
        var reason = RefusedRecords.Reason(refusal, "it");
        try
        {
            // The counters and status are what readers need; free text is what PostgreSQL most likely refused.
            await UpsertAsync([view with { Errors = [new TaskError(time.GetUtcNow(), view.Attempts, $"This progress row was written without its errors. {reason}")] }], cancellationToken);
            Remove((row, view));
            LogErrorRowWrittenWithoutErrors(logger, refusal, view.Spec.TaskId, view.Sequence, refusal.SqlState);
        }
        catch (PostgresException again) when (RefusedRecords.IsDataRefusal(again))
        {
            row.Refusals++;
            var delay = TimeSpan.FromMilliseconds(Math.Min(MaxRetryDelay.TotalMilliseconds, 500 * Math.Pow(2, Math.Min(row.Refusals, 20))));
            row.RetryAt = time.GetUtcNow() + delay;
            LogErrorRowRefused(logger, again, view.Spec.TaskId, view.Sequence, view.Status, again.SqlState, row.Refusals, (long)delay.TotalMilliseconds);
        }
    }

    private void Remove((Pending Entry, TaskView View) written)
    {
        // Only the report that was written: a newer one that came meanwhile stays for the next write.
        var id = written.View.Spec.TaskId;
        if (_pending.TryGetValue(id, out var current) && ReferenceEquals(current, written.Entry) && current.View.Sequence == written.View.Sequence)
        {
            _pending.Remove(id);
        }
    }

    private async Task UpsertAsync(IReadOnlyCollection<TaskView> views, CancellationToken cancellationToken)
    {
        await table.UpsertAsync(views, cancellationToken);
        written(views.Count);
    }

    /// <summary>A task's newest unwritten report, how many reports it stands for, since when the row is behind, and its refusals.</summary>
    private sealed class Pending(TaskView view, DateTimeOffset since)
    {
        public TaskView View { get; set; } = view;

        public int Updates { get; set; } = 1;

        public DateTimeOffset Since { get; } = since;

        /// <summary>How often PostgreSQL has refused this row, even without its errors.</summary>
        public int Refusals { get; set; }

        /// <summary>Not before then is a refused row tried again.</summary>
        public DateTimeOffset? RetryAt { get; set; }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "PostgreSQL refused the progress row of task {TaskId} (sequence {Sequence}, SQLSTATE {SqlState}); it was written without its errors")]
    private static partial void LogErrorRowWrittenWithoutErrors(ILogger logger, Exception error, string taskId, long sequence, string sqlState);

    [LoggerMessage(Level = LogLevel.Error, Message = "PostgreSQL refused the progress row of task {TaskId} (sequence {Sequence}, status {Status}, SQLSTATE {SqlState}) {Refusals} time(s), even without its errors; it is kept and tried again in {DelayMs} ms, the other rows are written")]
    private static partial void LogErrorRowRefused(ILogger logger, Exception error, string taskId, long sequence, SyncTaskStatus status, string sqlState, int refusals, long delayMs);
}
