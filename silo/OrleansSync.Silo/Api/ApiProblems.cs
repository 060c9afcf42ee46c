using System.Diagnostics.CodeAnalysis;
using Microsoft.AspNetCore.Http.HttpResults;

namespace OrleansSync.Silo.Api;

/// <summary>The API's refusals as RFC 9457 problem details: what was wrong, and how to fix it, in <c>detail</c>.</summary>
internal static class ApiProblems
{
    public static ProblemHttpResult BadRequest(string detail) => Problem(StatusCodes.Status400BadRequest, "Bad request", detail);

    public static ProblemHttpResult NotFound(string detail) => Problem(StatusCodes.Status404NotFound, "Not found", detail);

    public static ProblemHttpResult Conflict(string detail, IDictionary<string, object?>? extensions = null) =>
        Problem(StatusCodes.Status409Conflict, "Conflict", detail, extensions);

    public static ProblemHttpResult NoProject(string projectId) =>
        NotFound($"No project '{projectId}': GET {ApiRoutes.Prefix}/projects lists the known ones.");

    public static ProblemHttpResult NoTask(string taskId) =>
        NotFound($"No task '{taskId}': GET {ApiRoutes.Prefix}/tasks lists the known ones.");

    /// <summary>A list's <c>limit</c> query value: <paramref name="fallback"/> when absent; a problem unless 1 to <paramref name="max"/>.</summary>
    public static bool TryLimit(int? limit, int fallback, int max, out int count, [NotNullWhen(false)] out ProblemHttpResult? problem)
    {
        count = limit ?? fallback;
        problem = count is < 1 || count > max ? BadRequest($"'limit' {count} is out of range: give 1 to {max}.") : null;
        return problem is null;
    }

    private static ProblemHttpResult Problem(int status, string title, string detail, IDictionary<string, object?>? extensions = null) =>
        TypedResults.Problem(detail, statusCode: status, title: title, extensions: extensions);
}
