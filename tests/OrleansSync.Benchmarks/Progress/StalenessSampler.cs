using System.Diagnostics;
using Npgsql;

namespace OrleansSync.Benchmarks.Progress;

/// <summary>
/// Polls <c>sync.progress</c> on its own connection every <see cref="Interval"/> and, for each task, notes when its
/// <c>progress_seq</c> first reached each reported sequence. A report's staleness is the end of the first poll that
/// showed its sequence (or a newer one) minus the report's send time: an upper bound, since the row became visible
/// before that poll's snapshot but after the previous poll began, so it overstates by at most one interval plus a query.
/// </summary>
public sealed class StalenessSampler
{
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(50);

    private readonly string _connectionString;
    private readonly ProgressLoad _load;
    private readonly List<double> _samples;

    public StalenessSampler(string connectionString, ProgressLoad load)
    {
        _connectionString = connectionString;
        _load = load;
        _samples = new List<double>(load.TaskIds.Count * load.Updates);
    }

    public int Polls { get; private set; }

    /// <summary>Polls until every task's row shows its last sequence, or <paramref name="cancellationToken"/> fires.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var index = _load.TaskIds.Select(static (id, i) => (id, i)).ToDictionary(static p => p.id, static p => p.i, StringComparer.Ordinal);
        var seen = new long[_load.TaskIds.Count];
        var done = 0;
        await using var connection = new NpgsqlConnection(_connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var query = new NpgsqlCommand("SELECT task_id, progress_seq FROM sync.progress", connection);
        using var timer = new PeriodicTimer(Interval);
        while (done < seen.Length)
        {
            var rows = new List<(int Task, long Sequence)>(seen.Length);
            await using (var reader = await query.ExecuteReaderAsync(cancellationToken))
            {
                while (await reader.ReadAsync(cancellationToken))
                {
                    if (index.TryGetValue(reader.GetString(0), out var task))
                    {
                        rows.Add((task, reader.GetInt64(1)));
                    }
                }
            }

            var observed = Stopwatch.GetTimestamp();
            Polls++;
            foreach (var (task, sequence) in rows)
            {
                var sent = _load.SentAt[task];
                for (var s = seen[task] + 1; s <= sequence; s++)
                {
                    _samples.Add(Stopwatch.GetElapsedTime(Volatile.Read(ref sent[s]), observed).TotalSeconds);
                }

                if (sequence > seen[task])
                {
                    done += sequence >= _load.Updates && seen[task] < _load.Updates ? 1 : 0;
                    seen[task] = sequence;
                }
            }

            if (done < seen.Length)
            {
                await timer.WaitForNextTickAsync(cancellationToken);
            }
        }
    }

    /// <summary>Staleness samples, one per report seen, in seconds.</summary>
    public IReadOnlyList<double> Samples => _samples;

    /// <summary>The nearest-rank percentile of the samples (0 when there are none).</summary>
    public double Percentile(double p)
    {
        if (_samples.Count == 0)
        {
            return 0;
        }

        var sorted = _samples.Order().ToArray();
        var rank = (int)Math.Ceiling(p / 100 * sorted.Length);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)];
    }
}
