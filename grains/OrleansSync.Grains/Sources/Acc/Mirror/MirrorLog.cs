using Microsoft.Extensions.Logging;

namespace OrleansSync.Sources.Acc.Mirror;

/// <summary>The mirror writer's log messages. They carry ids and counts, never record contents.</summary>
internal static partial class MirrorLog
{
    [LoggerMessage(Level = LogLevel.Debug, Message = "Wrote a {Stream} page of project {ProjectId}: {Inserted} inserted, {Updated} updated, {Unchanged} unchanged, {DeadLettered} dead-lettered")]
    public static partial void LogDebugPageWritten(ILogger logger, string stream, string projectId, int inserted, int updated, int unchanged, int deadLettered);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Dead-lettered {Count} {Stream} records of project {ProjectId} (task {TaskId}); see sync.dead_letters")]
    public static partial void LogWarningDeadLettered(ILogger logger, int count, string stream, string projectId, string taskId);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Replaced {Stream} of review {ReviewId} in project {ProjectId}: {Removed} removed")]
    public static partial void LogDebugChildrenReplaced(ILogger logger, string stream, string reviewId, string projectId, int removed);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Kept the stored {Stream} of review {ReviewId} in project {ProjectId}: they are from a newer review updatedAt")]
    public static partial void LogDebugChildrenKept(ILogger logger, string stream, string reviewId, string projectId);
}
