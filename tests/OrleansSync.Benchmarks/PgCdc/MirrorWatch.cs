using Npgsql;
using OrleansSync.Benchmarks.Hosting;

namespace OrleansSync.Benchmarks.PgCdc;

/// <summary>
/// Polls the mirror table for its highest <c>seq</c> every 50 ms on a connection of its own, and keeps each answer
/// with the moment it came back (this machine's clock). The writer's sequence numbers grow with each commit and the
/// mirror applies commits in order, so a sample holding <c>seq</c> s shows every change committed up to s; the
/// mirror's md5 at the end checks that it holds them all.
/// </summary>
public sealed class MirrorWatch : IAsyncDisposable
{
    private readonly NpgsqlConnection _connection;
    private readonly string _table;
    private readonly List<(DateTimeOffset At, long MaxSeq)> _samples = [];
    private readonly CancellationTokenSource _stop = new();
    private Task? _polling;

    private MirrorWatch(NpgsqlConnection connection, string table) => (_connection, _table) = (connection, table);

    /// <param name="database">The cluster's database.</param>
    /// <param name="table">The mirror table, made (the initial copy done), as SQL names it (the benchmark's own names).</param>
    /// <param name="cancellationToken">Stops opening the connection.</param>
    public static async Task<MirrorWatch> StartAsync(BenchmarkDatabase database, string table, CancellationToken cancellationToken)
    {
        var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync(cancellationToken);
        var watch = new MirrorWatch(connection, table);
        watch._polling = Task.Run(watch.PollAsync, CancellationToken.None);
        return watch;
    }

    /// <summary>The end of the first poll whose highest <c>seq</c> reached <paramref name="seq"/>, or null while none has.</summary>
    public DateTimeOffset? SeenAt(long seq)
    {
        lock (_samples)
        {
            var i = _samples.FindIndex(s => s.MaxSeq >= seq);
            return i < 0 ? null : _samples[i].At;
        }
    }

    /// <summary>Waits until a poll has seen <paramref name="seq"/>; returns when it did.</summary>
    public async Task<DateTimeOffset> WaitSeenAsync(long seq, TimeSpan timeout, CancellationToken cancellationToken)
    {
        DateTimeOffset? seen = null;
        await Poll.UntilAsync(
            () =>
            {
                if (_polling!.IsFaulted)
                {
                    throw new InvalidOperationException("polling the mirror failed", _polling.Exception);
                }

                seen = SeenAt(seq);
                return Task.FromResult(seen is not null);
            },
            timeout,
            $"the mirror to hold seq {seq} (it holds {Latest()})",
            cancellationToken,
            TimeSpan.FromMilliseconds(50));
        return seen!.Value;
    }

    private long Latest()
    {
        lock (_samples)
        {
            return _samples.Count == 0 ? 0 : _samples[^1].MaxSeq;
        }
    }

    private async Task PollAsync()
    {
        await using var max = new NpgsqlCommand($"SELECT coalesce(max(seq), 0) FROM {_table}", _connection);
        while (!_stop.IsCancellationRequested)
        {
            var value = await max.ExecuteScalarAsync(_stop.Token);
            var at = DateTimeOffset.UtcNow;
            lock (_samples)
            {
                _samples.Add((at, value is long seq ? seq : 0));
            }

            await Task.Delay(TimeSpan.FromMilliseconds(50), _stop.Token);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await (_polling ?? Task.CompletedTask);
        }
        catch (OperationCanceledException)
        {
            // Stopped.
        }

        _stop.Dispose();
        await _connection.DisposeAsync();
    }
}
