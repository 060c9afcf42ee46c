using Microsoft.Extensions.Logging;
using OrleansSync.Resilience;

namespace OrleansSync.Tasks;

public sealed partial class SyncTaskGrain
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Task {TaskId} resumes on {Silo}")]
    private static partial void LogInformationResuming(ILogger logger, string taskId, string silo);

    [LoggerMessage(Level = LogLevel.Information, Message = "Task {TaskId} finished {Status} after {Records} record(s)")]
    private static partial void LogInformationFinished(ILogger logger, string taskId, SyncTaskStatus status, long records);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Task {TaskId} attempt {Attempt} failed ({Kind})")]
    private static partial void LogWarningAttemptFailed(ILogger logger, Exception error, string taskId, int attempt, FailureKind kind);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Task {TaskId} could not publish how it ended (progress row, project); the heartbeat will retry")]
    private static partial void LogWarningPublishFailed(ILogger logger, Exception error, string taskId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Task {TaskId} could not report its progress to its progress writer; the next report carries it")]
    private static partial void LogWarningProgressNotReported(ILogger logger, Exception error, string taskId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Task {TaskId} could not record its failed run; it tries the run again later and records it then")]
    private static partial void LogWarningRecordFailed(ILogger logger, Exception error, string taskId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Task {TaskId} waits {DelayMs} ms for PostgreSQL; no upstream attempt is spent")]
    private static partial void LogWarningWaitingForDatabase(ILogger logger, string taskId, long delayMs);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Task {TaskId} is hung (nothing landed since {LastProgress:u}): restarting it from its checkpoint")]
    private static partial void LogWarningHung(ILogger logger, string taskId, DateTimeOffset lastProgress);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Task {TaskId} on {Silo} is stale (another activation wrote its state or checkpoint): this activation stops and re-reads")]
    private static partial void LogWarningStale(ILogger logger, Exception error, string taskId, string silo);

    [LoggerMessage(Level = LogLevel.Information, Message = "Task {TaskId} breaker {Transition}; next probe {NextProbe:u}")]
    private static partial void LogInformationBreaker(ILogger logger, string taskId, BreakerTransition transition, DateTimeOffset? nextProbe);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Task {TaskId} could not save its {Request}; the caller is told it is not done")]
    private static partial void LogWarningControlNotSaved(ILogger logger, Exception error, string taskId, string request);

    [LoggerMessage(Level = LogLevel.Information, Message = "Task {TaskId} paused after {Pages} page(s); its checkpoint is kept")]
    private static partial void LogInformationPaused(ILogger logger, string taskId, long pages);
}
