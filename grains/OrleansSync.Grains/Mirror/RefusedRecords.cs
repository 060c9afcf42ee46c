using Npgsql;

namespace OrleansSync.Mirror;

/// <summary>
/// Lands a page whose transaction PostgreSQL refuses for a data reason (a number jsonb cannot hold, a key too long
/// for its index, a constraint an operator added) without the records it refuses: it splits the page in halves,
/// trying each in a transaction it rolls back, down to the single records PostgreSQL still refuses, then writes the
/// page again without them and with a dead letter for each. Finding k refused records among n costs about
/// 2k·log2(n) trial transactions, never more than 2n − 1 (when every record is refused). Anything else PostgreSQL or the network does
/// (a lost connection, a serialization failure, a shutdown) is no record's fault: it fails the page, as before.
/// </summary>
internal static class RefusedRecords
{
    /// <summary>Rounds of finding refused records before the page fails: a page's rest refused anew means the records fail only together.</summary>
    private const int MaxRounds = 3;

    /// <summary>
    /// A data exception (class 22: a number out of range, text a type refuses), an integrity constraint violation
    /// (class 23) or a value over a limit (54000: an index row too large): the same record is refused every time.
    /// </summary>
    public static bool IsDataRefusal(PostgresException e) =>
        e.SqlState is ['2', '2' or '3', ..] or "54000";

    /// <summary>Why PostgreSQL refused <paramref name="what"/>: its code, constraint and message (the message names no secret; the row's values stay out).</summary>
    public static string Reason(PostgresException e, string what = "the record") =>
        $"PostgreSQL refused {what} (SQLSTATE {e.SqlState}{(e.ConstraintName is { } c ? $", constraint {c}" : "")}): {e.MessageText}";

    /// <param name="dataSource">Where the trial transactions run.</param>
    /// <param name="rows">The page's rows to land.</param>
    /// <param name="trial">The statement that lands a subset of the rows; it runs in transactions that are rolled back.</param>
    /// <param name="refuse">The dead letter of a refused row, given PostgreSQL's reason.</param>
    /// <param name="write">The page's real write: the rows left and the dead letters of those refused so far.</param>
    /// <param name="cancellationToken">Cancels the page.</param>
    /// <returns>What the page's write returned, and how many records PostgreSQL refused.</returns>
    public static async Task<(TResult Result, int Refused)> LandAsync<TRow, TResult>(
        NpgsqlDataSource dataSource,
        IReadOnlyList<TRow> rows,
        Func<IReadOnlyList<TRow>, NpgsqlBatchCommand> trial,
        Func<TRow, string, DeadLetter> refuse,
        Func<IReadOnlyList<TRow>, IReadOnlyList<DeadLetter>, Task<TResult>> write,
        CancellationToken cancellationToken)
    {
        var refused = new List<DeadLetter>();
        for (var round = 1; ; round++)
        {
            try
            {
                return (await write(rows, refused), refused.Count);
            }
            catch (PostgresException e) when (IsDataRefusal(e) && rows.Count > 0 && round <= MaxRounds)
            {
                var found = await FindAsync(dataSource, rows, trial, cancellationToken);
                if (found.Count == 0)
                {
                    // No record is refused alone: the page's own statements (its checkpoint, its dead letters) are, or
                    // records only together. Nothing to set aside; the page fails naming PostgreSQL's error.
                    throw;
                }

                refused.AddRange(found.Select(f => refuse(rows[f.Index], Reason(f.Error))));
                var left = found.Select(static f => f.Index).ToHashSet();
                rows = [.. rows.Where((_, i) => !left.Contains(i))];
            }
        }
    }

    /// <summary>The rows PostgreSQL refuses alone, by index, with its error; all of <paramref name="rows"/> together are known to be refused.</summary>
    private static async Task<List<(int Index, PostgresException Error)>> FindAsync<TRow>(
        NpgsqlDataSource dataSource, IReadOnlyList<TRow> rows, Func<IReadOnlyList<TRow>, NpgsqlBatchCommand> trial, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var found = new List<(int Index, PostgresException Error)>();
        // Depth first, the lower half first: the rows are found in page order. The whole page is tried first, alone:
        // when its rows pass, the refusal was not theirs.
        var ranges = new Stack<(int Start, int Count)>();
        ranges.Push((0, rows.Count));
        while (ranges.TryPop(out var range))
        {
            var error = await TryAsync(connection, rows, range.Start, range.Count, trial, cancellationToken);
            if (error is null)
            {
                continue;
            }

            if (range.Count == 1)
            {
                found.Add((range.Start, error));
                continue;
            }

            var half = range.Count / 2;
            ranges.Push((range.Start + half, range.Count - half));
            ranges.Push((range.Start, half));
        }

        return found;
    }

    /// <summary>Lands rows [start, start + count) in a transaction it rolls back; PostgreSQL's data refusal, or null when it took them.</summary>
    private static async Task<PostgresException?> TryAsync<TRow>(
        NpgsqlConnection connection, IReadOnlyList<TRow> rows, int start, int count, Func<IReadOnlyList<TRow>, NpgsqlBatchCommand> trial, CancellationToken cancellationToken)
    {
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using var batch = new NpgsqlBatch(connection, transaction);
        batch.BatchCommands.Add(trial([.. rows.Skip(start).Take(count)]));
        try
        {
            await batch.ExecuteNonQueryAsync(cancellationToken);
            return null;
        }
        catch (PostgresException e) when (IsDataRefusal(e))
        {
            return e;
        }
        finally
        {
            await transaction.RollbackAsync(cancellationToken);
        }
    }
}
