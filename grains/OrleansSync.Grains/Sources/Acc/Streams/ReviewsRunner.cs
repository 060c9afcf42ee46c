using System.Runtime.CompilerServices;
using Microsoft.Extensions.Options;
using OrleansSync.Sources.Acc.Client;
using OrleansSync.Sources.Acc.Mirror;

namespace OrleansSync.Sources.Acc.Streams;

/// <summary>
/// Reviews, active then archived (the API hides archived ones unless asked). Incremental runs read from when the last
/// complete run began listing, minus an overlap; <c>--full</c> and first runs read everything.
/// </summary>
public sealed class ReviewsRunner(AccClient acc, MirrorWriter mirror, ListPhaseReader reader, ReviewDeadLetterRetry deadLetters, IOptions<StreamOptions> options)
    : IStreamRunner
{
    public string Stream => StreamNames.Reviews;

    public async IAsyncEnumerable<PageLanded> RunAsync(StreamRun run, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var spec = run.Spec;
        var saved = await ListCursor.ReadAsync(mirror, run, cancellationToken);
        if (saved?.IsFinishedRunOf(run) == true)
        {
            yield break;
        }

        var resumed = saved?.IsUnfinishedRunOf(run) == true;
        if (!resumed)
        {
            // Once per run, before the lists: a dead letter never waits for a --full run.
            await deadLetters.RetryAsync(run, cancellationToken);
        }

        var start = resumed ? saved! : ListCursor.Start(run, spec.Full ? null : Since(saved));
        Uri[] lists =
        [
            acc.ReviewsUrl(run.Acc(), spec.ProjectId, archived: false, start.Since),
            acc.ReviewsUrl(run.Acc(), spec.ProjectId, archived: true, start.Since),
        ];
        await foreach (var page in reader.ReadAsync(
            run,
            start,
            lists,
            async (page, checkpoint) => (await mirror.WriteReviewsAsync(spec.ProjectId, page.Records, checkpoint, spec.TaskId, cancellationToken)).Page,
            cancellationToken))
        {
            yield return page;
        }
    }

    /// <summary>
    /// Where an incremental read starts: when the last complete run began listing, minus the overlap; an unfinished
    /// earlier run's own start (it may have stopped anywhere); nothing when no run got anywhere.
    /// </summary>
    private DateTimeOffset? Since(ListCursor? saved) => saved switch
    {
        { Done: true, HighWater: { } mark } => mark - options.Value.ReviewOverlap,
        { Done: false } => saved.Since,
        _ => null,
    };
}
