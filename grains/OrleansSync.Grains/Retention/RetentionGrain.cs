using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace OrleansSync.Retention;

/// <summary>
/// Deletes finished bookkeeping past its keep time: progress rows of tasks that ended, runs that ended (skipped ticks
/// included), dead letters whose record has since landed, and backfill days' checkpoints (a day retried after that
/// reads its day again). Open work, unresolved dead letters, the live checkpoints and the checkpoints of backfill days
/// whose task has not finished (paused, waiting, queued, running) are never touched.
/// </summary>
public sealed partial class RetentionGrain(NpgsqlDataSource dataSource, TimeProvider time, IOptions<RetentionOptions> options, ILogger<RetentionGrain> logger)
    : Grain, IRetentionGrain, IRemindable
{
    private const string Reminder = "retention";

    // One statement per table, in one batch; their row counts are the result, in this order.
    private static readonly string[] CleanStatements =
    [
        "DELETE FROM sync.progress WHERE finished_at < @cutoff AND status IN ('succeeded', 'failed', 'cancelled')",
        "DELETE FROM sync.runs WHERE finished_at < @cutoff AND status <> 'running'",
        "DELETE FROM sync.dead_letters WHERE resolved_at < @cutoff",
        // A day's checkpoint stays while a task of that day (its first, or a retry: "<project>:<scope>#n") is not
        // finished, however long it has been paused or waiting: deleting it would make the day start over.
        """
        DELETE FROM sync.checkpoints c
        WHERE c.scope LIKE 'backfill:%' AND c.updated_at < @cutoff
            AND NOT EXISTS (
                SELECT 1 FROM sync.progress p
                WHERE p.backfill_id = split_part(c.scope, ':', 2)
                    AND p.status NOT IN ('succeeded', 'failed', 'cancelled')
                    AND (right(p.task_id, length(c.scope) + 1) = ':' || c.scope OR strpos(p.task_id, ':' || c.scope || '#') > 0))
        """,
    ];

    public async Task EnsureScheduledAsync(CancellationToken cancellationToken = default)
    {
        // Registered once: re-registering on every silo start would push the next cleaning out each time.
        if (await this.GetReminder(Reminder, cancellationToken) is null)
        {
            var period = options.Value.Period;
            await this.RegisterOrUpdateReminder(Reminder, period, period, cancellationToken);
        }
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status) => await CleanAsync(CancellationToken.None);

    public async Task<RetentionResult> CleanAsync(CancellationToken cancellationToken = default)
    {
        var cutoff = time.GetUtcNow() - options.Value.Keep;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var batch = new NpgsqlBatch(connection);
        foreach (var sql in CleanStatements)
        {
            batch.BatchCommands.Add(new NpgsqlBatchCommand(sql) { Parameters = { new NpgsqlParameter<DateTimeOffset>("cutoff", cutoff.ToUniversalTime()) } });
        }

        await batch.ExecuteNonQueryAsync(cancellationToken);
        var affected = batch.BatchCommands.Cast<NpgsqlBatchCommand>().Select(static c => (long)c.RecordsAffected).ToArray();
        var result = new RetentionResult(affected[0], affected[1], affected[2], affected[3]);
        LogInformationCleaned(logger, cutoff, result.Progress, result.Runs, result.DeadLetters, result.BackfillCheckpoints);
        return result;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Retention: deleted what finished before {Cutoff:u}: {Progress} progress row(s), {Runs} run(s), {DeadLetters} resolved dead letter(s), {Checkpoints} backfill checkpoint(s)")]
    private static partial void LogInformationCleaned(ILogger logger, DateTimeOffset cutoff, long progress, long runs, long deadLetters, long checkpoints);
}
