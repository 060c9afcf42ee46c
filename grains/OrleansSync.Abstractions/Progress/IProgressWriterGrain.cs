using OrleansSync.Tasks;
using OrleansSync.Security;

namespace OrleansSync.Progress;

/// <summary>
/// Coalesces task progress into <c>sync.progress</c>: a task's row is written at most once per
/// <c>OrleansSync:Progress:EveryUpdates</c> (N) of its reports, or once its oldest unwritten report is
/// <c>OrleansSync:Progress:FlushInterval</c> (T) old; a terminal report is written before the call returns, so it is
/// never lost. Each write is one statement carrying every due task's row. Keyed by a bucket
/// (<see cref="ProgressBuckets.For"/>), so one task always reports to the same writer.
/// </summary>
[Alias("OrleansSync.Progress.IProgressWriterGrain")]
public interface IProgressWriterGrain : IGrainWithIntegerKey
{
    [Alias("Report"), SiloOnly]
    Task ReportAsync(TaskView view, CancellationToken cancellationToken = default);

    /// <summary>Writes everything buffered now.</summary>
    [Alias("Flush"), SiloOnly]
    Task FlushAsync(CancellationToken cancellationToken = default);

    /// <summary>What this writer has done since it activated.</summary>
    [Alias("GetStats")]
    Task<ProgressWriterStats> GetStatsAsync(CancellationToken cancellationToken = default);
}

/// <summary>A progress writer's counters since it activated.</summary>
/// <param name="Updates">Reports received.</param>
/// <param name="RowsWritten">Rows sent to <c>sync.progress</c>.</param>
/// <param name="Statements">Statements sent (each carries many rows).</param>
/// <param name="Pending">Tasks with an unwritten report now.</param>
/// <param name="Silo">Where the writer runs.</param>
[GenerateSerializer, Immutable, Alias("OrleansSync.Progress.ProgressWriterStats")]
public sealed record class ProgressWriterStats(
    [property: Id(0)] long Updates,
    [property: Id(1)] long RowsWritten,
    [property: Id(2)] long Statements,
    [property: Id(3)] int Pending,
    [property: Id(4)] string Silo);
