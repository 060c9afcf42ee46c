using OrleansSync.Tasks;

namespace OrleansSync.Progress;

/// <summary>
/// Coalesces task progress into <c>sync.progress</c>: running reports are buffered (latest per task) and written
/// every <see cref="ProgressWriterOptions.FlushEvery"/> reports or <see cref="ProgressWriterOptions.FlushInterval"/>;
/// a terminal report is written before the call returns, so it is never lost.
/// Keyed by a bucket (<see cref="ProgressBuckets.For"/>), so one task always reports to the same writer.
/// </summary>
[Alias("OrleansSync.Progress.IProgressWriterGrain")]
public interface IProgressWriterGrain : IGrainWithIntegerKey
{
    [Alias("Report")]
    Task ReportAsync(TaskView view, CancellationToken cancellationToken = default);

    /// <summary>Writes everything buffered now.</summary>
    [Alias("Flush")]
    Task FlushAsync(CancellationToken cancellationToken = default);
}
