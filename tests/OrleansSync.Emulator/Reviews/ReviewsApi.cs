using OrleansSync.Emulator.Data;
using OrleansSync.Emulator.Faults;
using OrleansSync.Emulator.Hosting;
using OrleansSync.Emulator.Json;
using OrleansSync.Emulator.Paging;

namespace OrleansSync.Emulator.Reviews;

/// <summary>
/// The Reviews API. Lists are filtered and ordered under the dataset's read lock, then written outside it:
/// records are immutable, so the snapshot stays consistent.
/// </summary>
internal static class ReviewsApi
{
    public const string Prefix = "/construction/reviews/v1";

    public static void MapReviewsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup(Prefix).WithMetadata(new ApiSurfaceMetadata(ApiSurface.Reviews));
        api.MapGet("/projects/{projectId}/reviews", ListReviews).WithMetadata(new HostileTargetMetadata(HostileTarget.Reviews));
        api.MapGet("/projects/{projectId}/reviews/{reviewId}", GetReview);
        api.MapGet("/projects/{projectId}/reviews/{reviewId}/progress", ListProgress)
            .WithMetadata(new HostileTargetMetadata(HostileTarget.Progress));
        api.MapGet("/projects/{projectId}/reviews/{reviewId}/versions", ListVersions)
            .WithMetadata(new HostileTargetMetadata(HostileTarget.Versions));
        api.MapGet("/projects/{projectId}/reviews/{reviewId}/workflow", GetReviewWorkflow);
        api.MapGet("/projects/{projectId}/workflows", ListWorkflows).WithMetadata(new HostileTargetMetadata(HostileTarget.Workflows));
        api.MapGet("/projects/{projectId}/workflows/{workflowId}", GetWorkflow);
    }

    private static IResult ListReviews(HttpRequest request, string projectId, Dataset data, ListCache cache, MalformedPolicy malformed)
    {
        if (!PageRequest.TryParseReviews(request.Query, out var page, out var error)
            || !ReviewQuery.TryParse(request.Query, out var query, out error))
        {
            return ApiErrors.BadRequest(error);
        }

        if (data.FindProject(projectId) is not { } project)
        {
            return ProjectNotFound(projectId);
        }

        var key = ListCache.KeyOf("reviews", project, request.Query);
        var matches = data.Read(() => cache.GetOrAdd(data, key, () => query.Apply(project.Reviews)));
        return PagedResponse.Reviews(request, page, matches, (w, r) => RecordWriter.WriteReview(w, r, malformed.KindOf(r)));
    }

    private static IResult GetReview(string projectId, string reviewId, Dataset data, MalformedPolicy malformed)
    {
        return WithReview(data, projectId, reviewId, (_, review) =>
            JsonBody.Write(w => RecordWriter.WriteReview(w, review, malformed.KindOf(review))));
    }

    private static IResult ListProgress(HttpRequest request, string projectId, string reviewId, Dataset data)
    {
        if (!PageRequest.TryParseReviews(request.Query, out var page, out var error))
        {
            return ApiErrors.BadRequest(error);
        }

        return WithReview(data, projectId, reviewId, (_, review) =>
            PagedResponse.Reviews(request, page, review.Progress, RecordWriter.WriteProgressStep));
    }

    private static IResult ListVersions(HttpRequest request, string projectId, string reviewId, Dataset data)
    {
        if (!PageRequest.TryParseReviews(request.Query, out var page, out var error))
        {
            return ApiErrors.BadRequest(error);
        }

        return WithReview(data, projectId, reviewId, (_, review) =>
            PagedResponse.Reviews(request, page, review.Versions, RecordWriter.WriteVersion));
    }

    private static IResult GetReviewWorkflow(string projectId, string reviewId, Dataset data)
    {
        return WithReview(data, projectId, reviewId, (workflow, _) =>
            workflow is null
                ? ApiErrors.NotFound($"The workflow of review '{reviewId}' does not exist.")
                : JsonBody.Write(w => RecordWriter.WriteWorkflow(w, workflow)));
    }

    private static IResult ListWorkflows(HttpRequest request, string projectId, Dataset data)
    {
        if (!PageRequest.TryParseReviews(request.Query, out var page, out var error)
            || !WorkflowQuery.TryParse(request.Query, out var query, out error))
        {
            return ApiErrors.BadRequest(error);
        }

        if (data.FindProject(projectId) is not { } project)
        {
            return ProjectNotFound(projectId);
        }

        var matches = data.Read(() => query.Apply(project.Workflows));
        return PagedResponse.Reviews(request, page, matches, RecordWriter.WriteWorkflow);
    }

    private static IResult GetWorkflow(string projectId, string workflowId, Dataset data)
    {
        if (data.FindProject(projectId) is not { } project)
        {
            return ProjectNotFound(projectId);
        }

        return data.Read(() => project.FindWorkflow(workflowId)) is { } workflow
            ? JsonBody.Write(w => RecordWriter.WriteWorkflow(w, workflow))
            : ApiErrors.NotFound($"Workflow '{workflowId}' does not exist in project '{projectId}'.");
    }

    /// <summary>Looks the review (and its workflow) up under the lock, answers outside it.</summary>
    private static IResult WithReview(Dataset data, string projectId, string reviewId, Func<Workflow?, Review, IResult> answer)
    {
        if (data.FindProject(projectId) is not { } project)
        {
            return ProjectNotFound(projectId);
        }

        var (review, workflow) = data.Read(() =>
        {
            var found = project.FindReview(reviewId);
            return (found, found is null ? null : project.FindWorkflow(found.WorkflowId));
        });
        return review is null
            ? ApiErrors.NotFound($"Review '{reviewId}' does not exist in project '{projectId}'.")
            : answer(workflow, review);
    }

    private static JsonBody ProjectNotFound(string projectId) =>
        ApiErrors.NotFound($"Project '{projectId}' does not exist or you do not have access to it.");
}
