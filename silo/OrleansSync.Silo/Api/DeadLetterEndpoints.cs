using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using OrleansSync.Schema.Reads;

namespace OrleansSync.Silo.Api;

/// <summary><c>/api/v1/deadletters</c>: the records syncs could not mirror, most recently seen first.</summary>
internal static class DeadLetterEndpoints
{
    private const int MaxDeadLetters = 10_000;

    public static void Map(RouteGroupBuilder api) => api.MapGet("/deadletters", ListAsync).WithTags("Dead letters");

    /// <param name="project">Only this project's (with or without 'b.').</param>
    /// <param name="stream">Only this stream (an ACC stream, or a postgres project's table as schema.table).</param>
    /// <param name="resolved">Also the resolved ones, whose record landed later.</param>
    /// <param name="limit">At most this many (1 to 10,000; 100 when absent).</param>
    /// <param name="dataSource">The cluster's database.</param>
    /// <param name="cancellationToken">The request's.</param>
    private static async Task<Results<Ok<List<DeadLetterRows.Row>>, ProblemHttpResult>> ListAsync(
        string? project, string? stream, bool? resolved, int? limit, NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        if (!ApiProblems.TryLimit(limit, 100, MaxDeadLetters, out var count, out var problem))
        {
            return problem;
        }

        if (stream is not null && (string.IsNullOrWhiteSpace(stream) || stream.Any(char.IsControl)))
        {
            return ApiProblems.BadRequest("'stream' is empty or holds control characters: give a stream name as a run's tasks show it, or leave it out.");
        }

        var projectId = string.IsNullOrWhiteSpace(project) ? null : ProjectIds.Normalize(project);
        return TypedResults.Ok(await DeadLetterRows.ListAsync(dataSource, projectId, stream?.Trim(), resolved ?? false, count, cancellationToken));
    }
}
