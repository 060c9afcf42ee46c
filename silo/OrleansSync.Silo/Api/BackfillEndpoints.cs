using Microsoft.AspNetCore.Http.HttpResults;
using OrleansSync.Backfills;
using OrleansSync.Projects;

namespace OrleansSync.Silo.Api;

/// <summary><c>POST /api/v1/projects/{id}/backfills</c> and <c>GET /api/v1/backfills/{id}</c>: date-range backfills, one task per UTC day.</summary>
internal static class BackfillEndpoints
{
    /// <summary>The body of <c>POST /projects/{id}/backfills</c>: the first and last UTC day, both included, as <c>YYYY-MM-DD</c>.</summary>
    public sealed record class BackfillBody(string? From, string? To);

    /// <summary>What <c>POST /projects/{id}/backfills</c> answers (202): the backfill to follow at its Location.</summary>
    public sealed record class BackfillAccepted(string BackfillId, string ProjectId, int Days);

    public static void Map(RouteGroupBuilder api)
    {
        api.MapPost("/projects/{id}/backfills", StartAsync).WithTags("Backfills");
        api.MapGet("/backfills/{backfillId}", GetAsync).WithTags("Backfills");
    }

    private static async Task<Results<Accepted<BackfillAccepted>, ProblemHttpResult>> StartAsync(
        string id, HttpRequest request, IGrainFactory grains, CancellationToken cancellationToken)
    {
        var projectId = ProjectIds.Normalize(id);
        var (body, problem) = await ApiBody.ReadAsync<BackfillBody>(request, empty: null, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        if (!BackfillIds.TryParseDay(body!.From, out var from) || !BackfillIds.TryParseDay(body.To, out var to))
        {
            return ApiProblems.BadRequest($"'from' and 'to' must be UTC days written YYYY-MM-DD (got '{body.From}' and '{body.To}').");
        }

        if (BackfillIds.RangeProblem(from, to, DateOnly.FromDateTime(DateTime.UtcNow)) is { } range)
        {
            return ApiProblems.BadRequest(range);
        }

        switch (await grains.GetGrain<IProjectGrain>(projectId).GetAsync(cancellationToken))
        {
            case null:
                return ApiProblems.NoProject(projectId);
            case { Paused: true }:
                return ApiProblems.Conflict($"Project {projectId} is paused: resume it (orleanssync project resume {projectId}) before a backfill.");
        }

        var backfillId = BackfillIds.New(DateTimeOffset.UtcNow);
        try
        {
            var view = await grains.GetGrain<IBackfillGrain>(backfillId).StartAsync(new BackfillRequest(projectId, from, to, "http"), cancellationToken);
            return TypedResults.Accepted($"{ApiRoutes.Prefix}/backfills/{Uri.EscapeDataString(backfillId)}", new BackfillAccepted(backfillId, projectId, view.Days.Count));
        }
        catch (InvalidRequestException e)
        {
            return ApiProblems.BadRequest(e.Message);
        }
    }

    private static async Task<Results<Ok<BackfillView>, ProblemHttpResult>> GetAsync(string backfillId, IGrainFactory grains, CancellationToken cancellationToken) =>
        await grains.GetGrain<IBackfillGrain>(backfillId).GetAsync(cancellationToken) is { } view
            ? TypedResults.Ok(view)
            : ApiProblems.NotFound($"No backfill '{backfillId}': POST {ApiRoutes.Prefix}/projects/{{id}}/backfills starts one.");
}
