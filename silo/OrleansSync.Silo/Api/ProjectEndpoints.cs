using Microsoft.AspNetCore.Http.HttpResults;
using OrleansSync.Projects;

namespace OrleansSync.Silo.Api;

/// <summary><c>/api/v1/projects</c>: list, show, remove, schedule, and start syncs.</summary>
internal static class ProjectEndpoints
{
    /// <summary>The body of <c>POST /projects/{id}/syncs</c>; all optional.</summary>
    /// <param name="Full">Scan everything instead of from the high-water mark.</param>
    /// <param name="Force">Start even while the project's breaker is open: the run is its probe.</param>
    /// <param name="Streams">Only these streams; the project's own when absent.</param>
    public sealed record class SyncBody(bool Full = false, bool Force = false, IReadOnlyList<string>? Streams = null);

    /// <summary>The body of <c>PUT /projects/{id}/schedule</c>: a period such as <c>10m</c>, or null to remove the schedule.</summary>
    public sealed record class ScheduleBody(string? Every);

    /// <summary>What <c>POST /projects/{id}/syncs</c> answers (202): the run to follow at its Location.</summary>
    public sealed record class SyncAccepted(string RunId, string ProjectId, bool AlreadyRunning);

    public static void Map(RouteGroupBuilder api)
    {
        var projects = api.MapGroup("/projects").WithTags("Projects");
        projects.MapGet("/", ListAsync);
        projects.MapPost("/", AddAsync);
        projects.MapGet("/{id}", GetAsync);
        projects.MapDelete("/{id}", RemoveAsync);
        projects.MapPut("/{id}/schedule", ScheduleAsync);
        projects.MapPost("/{id}/syncs", SyncAsync);
    }

    private static async Task<Ok<List<ProjectView>>> ListAsync(IGrainFactory grains, CancellationToken cancellationToken)
    {
        var ids = await grains.GetGrain<IProjectCatalogGrain>(IProjectCatalogGrain.Key).ListAsync(cancellationToken);
        var views = await Task.WhenAll(ids.Select(id => grains.GetGrain<IProjectGrain>(id).GetAsync(cancellationToken)));
        return TypedResults.Ok(views.OfType<ProjectView>().OrderBy(static v => v.Spec.ProjectId, StringComparer.Ordinal).ToList());
    }

    /// <summary>
    /// Adds a project (201, Location of the project), or changes the settings of one that exists (200), as
    /// <c>orleanssync project add</c> does. The cluster checks the source before anything is stored.
    /// </summary>
    private static async Task<Results<Created<ProjectView>, Ok<ProjectView>, ProblemHttpResult>> AddAsync(
        HttpRequest request, IGrainFactory grains, CancellationToken cancellationToken)
    {
        var (body, problem) = await ApiBody.ReadAsync<ProjectBody>(request, empty: null, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        var (spec, invalid) = ProjectBodies.ToSpec(body!);
        if (invalid is not null)
        {
            return ApiProblems.BadRequest(invalid);
        }

        var project = grains.GetGrain<IProjectGrain>(spec!.ProjectId);
        var existed = await project.GetAsync(cancellationToken) is not null;
        try
        {
            var view = await project.ConfigureAsync(spec, cancellationToken);
            return existed ? TypedResults.Ok(view) : TypedResults.Created($"{ApiRoutes.Prefix}/projects/{Uri.EscapeDataString(spec.ProjectId)}", view);
        }
        catch (InvalidRequestException e)
        {
            return ApiProblems.BadRequest(ProjectBodies.InApiTerms(e.Message));
        }
    }

    private static async Task<Results<Ok<ProjectView>, ProblemHttpResult>> GetAsync(string id, IGrainFactory grains, CancellationToken cancellationToken)
    {
        var projectId = ProjectIds.Normalize(id);
        return await grains.GetGrain<IProjectGrain>(projectId).GetAsync(cancellationToken) is { } view
            ? TypedResults.Ok(view)
            : ApiProblems.NoProject(projectId);
    }

    /// <summary>A project removed that left objects on its source it could not drop: what, why, and how to drop them by hand.</summary>
    public sealed record class ProjectRemoved(string LeftOnSource);

    private static async Task<Results<NoContent, Ok<ProjectRemoved>, ProblemHttpResult>> RemoveAsync(string id, IGrainFactory grains, CancellationToken cancellationToken)
    {
        var projectId = ProjectIds.Normalize(id);
        var project = grains.GetGrain<IProjectGrain>(projectId);
        if (await project.GetAsync(cancellationToken) is null)
        {
            return ApiProblems.NoProject(projectId);
        }

        try
        {
            return await project.RemoveAsync(cancellationToken) is { } left
                ? TypedResults.Ok(new ProjectRemoved(left))
                : TypedResults.NoContent();
        }
        catch (InvalidRequestException e)
        {
            // The project exists, so a refusal is about its state (a run in progress), not the request.
            return ApiProblems.Conflict(e.Message);
        }
    }

    private static async Task<Results<Ok<ProjectView>, ProblemHttpResult>> ScheduleAsync(
        string id, HttpRequest request, IGrainFactory grains, CancellationToken cancellationToken)
    {
        var projectId = ProjectIds.Normalize(id);
        var (body, problem) = await ApiBody.ReadAsync<ScheduleBody>(request, empty: null, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        TimeSpan? every = null;
        if (body!.Every is { } text)
        {
            if (!DurationText.TryParse(text, out var period))
            {
                return ApiProblems.BadRequest($"'every' '{text}' is not a duration: {DurationText.Examples}; null removes the schedule.");
            }

            every = period;
        }

        var project = grains.GetGrain<IProjectGrain>(projectId);
        if (await project.GetAsync(cancellationToken) is null)
        {
            return ApiProblems.NoProject(projectId);
        }

        try
        {
            return TypedResults.Ok(await project.ScheduleAsync(every, cancellationToken));
        }
        catch (InvalidRequestException e)
        {
            return ApiProblems.BadRequest(e.Message);
        }
    }

    private static async Task<Results<Accepted<SyncAccepted>, ProblemHttpResult>> SyncAsync(
        string id, HttpRequest request, IGrainFactory grains, CancellationToken cancellationToken)
    {
        var projectId = ProjectIds.Normalize(id);
        var (body, problem) = await ApiBody.ReadAsync(request, empty: new SyncBody(), cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        var project = grains.GetGrain<IProjectGrain>(projectId);
        switch (await project.GetAsync(cancellationToken))
        {
            case null:
                return ApiProblems.NoProject(projectId);
            case { Paused: true }:
                return ApiProblems.Conflict($"Project {projectId} is paused: resume it (orleanssync project resume {projectId}) before syncing.");
        }

        try
        {
            var started = await project.SyncAsync(new SyncRequest(body!.Streams, body.Full, "http", body.Force), cancellationToken);
            return TypedResults.Accepted(
                $"{ApiRoutes.Prefix}/runs/{Uri.EscapeDataString(started.Run.RunId)}", new SyncAccepted(started.Run.RunId, projectId, started.AlreadyRunning));
        }
        catch (SyncRefusedException e)
        {
            var view = await project.GetAsync(cancellationToken);
            return ApiProblems.Conflict(e.Message, new Dictionary<string, object?> { ["nextProbeAt"] = view?.Breaker?.NextProbeAt });
        }
        catch (InvalidRequestException e)
        {
            // An unknown stream: the message names the project's.
            return ApiProblems.BadRequest(e.Message);
        }
    }
}
