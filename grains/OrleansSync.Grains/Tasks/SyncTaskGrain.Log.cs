using Microsoft.Extensions.Logging;

namespace OrleansSync.Tasks;

public sealed partial class SyncTaskGrain
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Task {TaskId} resumes on {Silo}")]
    private static partial void LogInformationResuming(ILogger logger, string taskId, string silo);

    [LoggerMessage(Level = LogLevel.Information, Message = "Task {TaskId} finished {Status} after {Records} record(s)")]
    private static partial void LogInformationFinished(ILogger logger, string taskId, SyncTaskStatus status, long records);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Task {TaskId} attempt {Attempt} failed")]
    private static partial void LogWarningAttemptFailed(ILogger logger, Exception error, string taskId, int attempt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Task {TaskId} could not publish how it ended (progress row, project); the watchdog will retry")]
    private static partial void LogWarningPublishFailed(ILogger logger, Exception error, string taskId);
}
