using Microsoft.Extensions.Logging;

namespace OrleansSync.Tasks;

/// <summary>
/// A streaming task's lag behind its source: asked of its source kind when shown (at most once a second) and on the
/// heartbeat, and reported to the progress writer when it changed, so its <c>sync.progress</c> row carries it.
/// </summary>
public sealed partial class SyncTaskGrain
{
    private static readonly TimeSpan LagFreshFor = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan LagAskLimit = TimeSpan.FromSeconds(5);

    private readonly LagTracker _lagTracker = new();
    private StreamLag? _lag;
    private DateTimeOffset? _lagAskedAt;

    private async Task RefreshLagAsync()
    {
        var spec = state.State.Spec;
        if (spec is null || state.State.Status.IsTerminal())
        {
            _lag = null;
            metrics.LagForgotten(this.GetPrimaryKeyString());
            return;
        }

        var now = time.GetUtcNow();
        if (_lagAskedAt is { } asked && now - asked < LagFreshFor)
        {
            return;
        }

        _lagAskedAt = now;
        // Bounded: a source that does not answer must not hold up task show.
        using var limit = new CancellationTokenSource(LagAskLimit);
        var before = _lag;
        try
        {
            if (await kinds.Of(spec.Source).LagAsync(spec, silo.Name, limit.Token) is not { } source)
            {
                return;
            }

            var (lag, crossed) = _lagTracker.Observe(time.GetUtcNow(), source);
            _lag = lag;
            metrics.LagObserved(spec.TaskId, spec.Stream, lag.Bytes, lag.Seconds);
            if (crossed)
            {
                LogWarningLagOverLimit(logger, spec.TaskId, lag.Bytes, lag.Limit);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException || limit.IsCancellationRequested)
        {
            // The last lag stays shown with its time; the run itself says what is wrong with the source.
            LogDebugLagUnknown(logger, e, spec.TaskId);
        }

        if (_lag is { } measured && (before is null || before.Bytes != measured.Bytes || before.Seconds != measured.Seconds))
        {
            await ReportAsync(CancellationToken.None);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Task {TaskId} is {Bytes} bytes of source WAL behind, over OrleansSync:Postgres:Cdc:MaxSlotLag ({Limit}): the source keeps that WAL for its slot until the mirror applies it")]
    private static partial void LogWarningLagOverLimit(ILogger logger, string taskId, ulong bytes, ulong limit);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Task {TaskId} could not read its lag from the source")]
    private static partial void LogDebugLagUnknown(ILogger logger, Exception exception, string taskId);
}
