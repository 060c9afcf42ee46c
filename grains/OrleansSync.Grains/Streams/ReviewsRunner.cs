using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Options;
using OrleansSync.Acc;
using OrleansSync.Mirror;
using OrleansSync.Pipeline;

namespace OrleansSync.Streams;

/// <summary>
/// Reviews, active then archived (the API hides archived ones unless asked). Incremental runs read from the last
/// complete run's high-water mark minus an overlap; <c>--full</c> and first runs read everything.
/// </summary>
public sealed class ReviewsRunner(AccClient acc, IMirrorWriter mirror, ListPhaseReader reader, IOptions<StreamOptions> options) : IStreamRunner
{
    public string Stream => StreamNames.Reviews;

    public async Task RunAsync(StreamRun run, CancellationToken cancellationToken)
    {
        var spec = run.Spec;
        var saved = await ListCursor.ReadAsync(mirror, run, cancellationToken);
        var start = saved?.IsUnfinishedRunOf(run) == true
            ? saved
            : new ListCursor(run.RunId, 0, null, false, spec.Full ? null : Since(saved), saved?.Done == true ? saved.HighWater : null, 0);
        Uri[] lists =
        [
            acc.ReviewsUrl(run.Connection, spec.ProjectId, archived: false, start.Since),
            acc.ReviewsUrl(run.Connection, spec.ProjectId, archived: true, start.Since),
        ];
        await reader.ReadAsync(
            run,
            start,
            lists,
            async (page, checkpoint) => (await mirror.WriteReviewsAsync(spec.ProjectId, page.Records, checkpoint, spec.TaskId, cancellationToken)).Page,
            NewestUpdatedAt,
            cancellationToken);
    }

    /// <summary>
    /// Where an incremental read starts: the last complete run's high-water mark minus the overlap; an unfinished
    /// earlier run's own start (it may have stopped anywhere); nothing when no run got anywhere.
    /// </summary>
    private DateTimeOffset? Since(ListCursor? saved) => saved switch
    {
        { Done: true, HighWater: { } mark } => mark - options.Value.ReviewOverlap,
        { Done: false } => saved.Since,
        _ => null,
    };

    private static DateTimeOffset? NewestUpdatedAt(IReadOnlyList<JsonElement> records)
    {
        DateTimeOffset? newest = null;
        foreach (var record in records)
        {
            if (record.ValueKind == JsonValueKind.Object
                && record.TryGetProperty("updatedAt", out var value)
                && value.ValueKind == JsonValueKind.String
                && DateTimeOffset.TryParse(value.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at)
                && (newest is null || at > newest))
            {
                newest = at;
            }
        }

        return newest;
    }
}
