using System.Runtime.CompilerServices;
using Microsoft.Extensions.Options;
using Npgsql;
using OrleansSync.Sources.Acc.Client;
using OrleansSync.Sources.Acc.Mirror;
using OrleansSync.Telemetry;

namespace OrleansSync.Sources.Acc.Streams;

/// <summary>
/// One UTC day of a backfill: the reviews whose updatedAt falls in the day's window, active then archived, then the
/// versions and progress of every mirrored review of that window. Each part checkpoints in its own stream under the
/// day's scope (<see cref="StreamRun.Scope"/>), so the live checkpoints — and the incremental high-water mark — never
/// move, and a retried day resumes where it stopped.
/// </summary>
public sealed class BackfillDayRunner(
    AccClient acc,
    MirrorWriter mirror,
    ListPhaseReader reader,
    NpgsqlDataSource dataSource,
    IGrainFactory grains,
    IOptions<StreamOptions> options,
    TimeProvider time,
    SyncMetrics metrics) : IStreamRunner
{
    private readonly ReviewChildrenRunner[] _children =
    [
        new(StreamNames.ReviewVersions, acc, mirror, grains, options, time, metrics),
        new(StreamNames.ReviewProgress, acc, mirror, grains, options, time, metrics),
    ];

    public string Stream => StreamNames.Backfill;

    public async IAsyncEnumerable<PageLanded> RunAsync(StreamRun run, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var spec = run.Spec;
        if (spec is not { From: { } from, Until: { } until } || until <= from)
        {
            throw new InvalidRequestException($"Task {spec.TaskId} is a backfill day without its window (From before Until).");
        }

        var reviews = run.For(StreamNames.Reviews);
        var saved = await ListCursor.ReadAsync(mirror, reviews, cancellationToken);
        var reviewTotal = saved?.IsFinishedRunOf(reviews) == true ? saved.CompletedTotal : 0;
        if (saved?.IsFinishedRunOf(reviews) != true)
        {
            var start = saved?.IsUnfinishedRunOf(reviews) == true ? saved : ListCursor.Start(reviews, from);
            Uri[] lists =
            [
                acc.ReviewsUrl(run.Acc(), spec.ProjectId, archived: false, from, until),
                acc.ReviewsUrl(run.Acc(), spec.ProjectId, archived: true, from, until),
            ];
            await foreach (var page in reader.ReadAsync(
                reviews,
                start,
                lists,
                async (page, checkpoint) => (await mirror.WriteReviewsAsync(spec.ProjectId, page.Records, checkpoint, spec.TaskId, cancellationToken)).Page,
                cancellationToken))
            {
                reviewTotal = page.Tally.TotalRecords ?? reviewTotal;
                yield return page;
            }
        }

        var windowReviews = await ReviewWindowQueries.CountAsync(dataSource, spec.ProjectId, from, until, cancellationToken);
        var estimate = new TotalEstimate(reviewTotal, _children.Length * windowReviews);
        foreach (var children in _children)
        {
            var childRun = run.For(children.Stream);
            var savedChildren = await ListCursor.ReadAsync(mirror, childRun, cancellationToken);
            if (savedChildren?.IsFinishedRunOf(childRun) == true)
            {
                estimate.Skip(windowReviews);
                continue;
            }

            // The cursor's NextUrl holds the last review done (keyset), so the walk resumes after it.
            var resumed = savedChildren?.IsUnfinishedRunOf(childRun) == true ? savedChildren : null;
            estimate.Skip(resumed?.Position ?? 0);
            using var visited = new ReviewKeyset(
                (after, ct) => ReviewWindowQueries.PageAsync(dataSource, spec.ProjectId, from, until, after, options.Value.ChildrenBatch, ct),
                resumed?.NextUrl,
                totalPages: null);
            await foreach (var landed in children.WalkAsync(childRun, resumed, visited, cancellationToken))
            {
                yield return landed with { Tally = landed.Tally with { TotalRecords = estimate.Landed(landed.Tally.RecordsRead) } };
            }
        }
    }

    /// <summary>
    /// The day's expected total records, for its percent: the reviews upstream announced, the children read so far,
    /// and as many more per remaining review list as the lists read so far averaged.
    /// </summary>
    private sealed class TotalEstimate(long reviews, long lists)
    {
        private long _done;
        private long _sampled;
        private long _records;

        public void Skip(long count) => _done += count;

        public long Landed(int records)
        {
            _done++;
            _sampled++;
            _records += records;
            var remaining = Math.Max(0, lists - _done);
            return reviews + _records + (long)Math.Ceiling((double)_records / _sampled * remaining);
        }
    }
}
