using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansSync.Sources.Acc.Client;
using OrleansSync.Sources.Acc.Mirror;

namespace OrleansSync.Sources.Acc.Streams;

/// <summary>
/// Open dead letters are a to-do list. A review that was dead-lettered is not listed again by an incremental run until
/// it changes upstream, so a run of the reviews stream first fetches up to <see cref="StreamOptions.DeadLetterRetries"/>
/// of them one by one (least recently retried first) and lands each that is whole now, which resolves its dead letter.
/// Children need no such step: a dead-lettered review's marker is cleared, so the next children walk reads it again;
/// workflows are read in full every run.
/// </summary>
public sealed partial class ReviewDeadLetterRetry(AccClient acc, MirrorWriter mirror, IOptions<StreamOptions> options, ILogger<ReviewDeadLetterRetry> logger)
{
    /// <summary>Retries the project's open review dead letters; a review that still fails stays open for a later run.</summary>
    public async Task RetryAsync(StreamRun run, CancellationToken cancellationToken)
    {
        var spec = run.Spec;
        var reviewIds = await mirror.TakeDeadLettersToRetryAsync(spec.ProjectId, StreamNames.Reviews, options.Value.DeadLetterRetries, cancellationToken);
        var resolved = 0;
        foreach (var reviewId in reviewIds)
        {
            SourcePage page;
            try
            {
                page = await acc.GetRecordAsync(run.Acc(), acc.ReviewUrl(run.Acc(), spec.ProjectId, reviewId), cancellationToken);
            }
            catch (AccException e) when (ChildFetchFailures.IsOneReviews(e))
            {
                LogInformationRetryFailed(logger, reviewId, spec.ProjectId, e.Message);
                continue;
            }

            var written = await mirror.WriteReviewsAsync(spec.ProjectId, page.Records, null, spec.TaskId, cancellationToken);
            resolved += written.Page.DeadLettered == 0 ? 1 : 0;
        }

        if (reviewIds.Count > 0)
        {
            LogInformationRetried(logger, reviewIds.Count, resolved, spec.ProjectId);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Retried {Count} dead-lettered reviews of project {ProjectId}: {Landed} landed")]
    private static partial void LogInformationRetried(ILogger logger, int count, int landed, string projectId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Dead-lettered review {ReviewId} of project {ProjectId} is still not readable: {Reason}")]
    private static partial void LogInformationRetryFailed(ILogger logger, string reviewId, string projectId, string reason);
}
