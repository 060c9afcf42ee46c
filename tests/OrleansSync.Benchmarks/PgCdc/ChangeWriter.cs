using Npgsql;

namespace OrleansSync.Benchmarks.PgCdc;

/// <summary>One source transaction the writer committed: its rows' sequence numbers and its times on this machine's clock.</summary>
/// <param name="FirstSeq">The first row's <c>seq</c>.</param>
/// <param name="LastSeq">The last row's <c>seq</c>.</param>
/// <param name="WrittenAt">The moment it was sent, stored in its rows' <c>written_at</c>: at or before its commit.</param>
/// <param name="CommittedAt">The moment its commit returned.</param>
public sealed record class SourceCommit(long FirstSeq, long LastSeq, DateTimeOffset WrittenAt, DateTimeOffset CommittedAt)
{
    public long Rows => LastSeq - FirstSeq + 1;
}

/// <summary>
/// Writes the source table of <c>pg-cdc</c> (<see cref="Table"/>) on one connection: each insert statement is one
/// transaction of new rows with the next sequence numbers, every row carrying the moment it was sent
/// (<c>written_at</c>). Every commit is kept, for the scenario to match against what the mirror shows.
/// </summary>
public sealed class ChangeWriter : IAsyncDisposable
{
    public const string Table = "public.changes";

    public const string Columns = "(seq bigint PRIMARY KEY, written_at timestamptz NOT NULL, payload text NOT NULL, n integer NOT NULL)";

    private readonly NpgsqlConnection _connection;
    private readonly List<SourceCommit> _commits = [];
    private long _lastSeq;

    private ChangeWriter(NpgsqlConnection connection, long lastSeq) => (_connection, _lastSeq) = (connection, lastSeq);

    public long LastSeq => Interlocked.Read(ref _lastSeq);

    /// <summary>Creates the table with <paramref name="initialRows"/> rows and a writer that goes on after them.</summary>
    public static async Task<ChangeWriter> CreateAsync(string connectionString, int initialRows, CancellationToken cancellationToken)
    {
        var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using (var create = new NpgsqlCommand($"CREATE TABLE {Table} {Columns}", connection))
        {
            await create.ExecuteNonQueryAsync(cancellationToken);
        }

        var writer = new ChangeWriter(connection, 0);
        await writer.InsertAsync(initialRows, cancellationToken);
        return writer;
    }

    /// <summary>The commits so far whose <see cref="SourceCommit.WrittenAt"/> matches <paramref name="where"/>.</summary>
    public List<SourceCommit> Commits(Func<SourceCommit, bool> where)
    {
        lock (_commits)
        {
            return [.. _commits.Where(where)];
        }
    }

    /// <summary>Inserts <paramref name="rows"/> new rows in one transaction; returns its commit.</summary>
    public async Task<SourceCommit> InsertAsync(long rows, CancellationToken cancellationToken)
    {
        var (first, last) = (LastSeq + 1, LastSeq + rows);
        await using var insert = new NpgsqlCommand(
            $"INSERT INTO {Table} (seq, written_at, payload, n) SELECT g, @at, md5(g::text) || md5((g * 7)::text), 0 FROM generate_series(@first::bigint, @last::bigint) AS g",
            _connection);
        var at = DateTimeOffset.UtcNow;
        insert.Parameters.AddWithValue("at", at);
        insert.Parameters.AddWithValue("first", first);
        insert.Parameters.AddWithValue("last", last);
        await insert.ExecuteNonQueryAsync(cancellationToken);
        var commit = new SourceCommit(first, last, at, DateTimeOffset.UtcNow);
        lock (_commits)
        {
            _commits.Add(commit);
        }

        Interlocked.Exchange(ref _lastSeq, last);
        return commit;
    }

    /// <summary>Inserts <paramref name="changes"/> rows, <paramref name="perTransaction"/> a transaction, one after another.</summary>
    public async Task BurstAsync(long changes, int perTransaction, CancellationToken cancellationToken)
    {
        for (var written = 0L; written < changes; written += perTransaction)
        {
            await InsertAsync(Math.Min(perTransaction, changes - written), cancellationToken);
        }
    }

    /// <summary>
    /// Open loop: <paramref name="perSecond"/> rows a second from now, for <paramref name="duration"/> or until
    /// <paramref name="stop"/>. Every 10 ms the rows due by then go in one transaction, however late the last one was,
    /// so a slow commit is caught up rather than lowering the rate offered. A stop ends the wait, never an insert, so
    /// every row written is in <see cref="Commits"/>.
    /// </summary>
    public async Task PacedAsync(double perSecond, TimeSpan duration, CancellationToken stop)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var written = 0L;
        while (clock.Elapsed < duration && !stop.IsCancellationRequested)
        {
            var due = (long)(perSecond * clock.Elapsed.TotalSeconds);
            if (due > written)
            {
                await InsertAsync(due - written, CancellationToken.None);
                written = due;
            }

            try
            {
                await Task.Delay(TimeSpan.FromMilliseconds(10), stop);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>Changes of the other kinds, in one transaction: an update of every 10th row, then a delete of every 97th.</summary>
    public async Task UpdateAndDeleteAsync(CancellationToken cancellationToken)
    {
        await using var change = new NpgsqlCommand(
            $"UPDATE {Table} SET n = n + 1, payload = 'updated ' || seq WHERE seq % 10 = 0; DELETE FROM {Table} WHERE seq % 97 = 0",
            _connection);
        await change.ExecuteNonQueryAsync(cancellationToken);
    }

    public ValueTask DisposeAsync() => _connection.DisposeAsync();
}
