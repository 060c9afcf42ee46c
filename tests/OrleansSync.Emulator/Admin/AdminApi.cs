using OrleansSync.Emulator.Data;
using OrleansSync.Emulator.Hosting;
using OrleansSync.Emulator.Json;
using OrleansSync.Emulator.Paging;

namespace OrleansSync.Emulator.Admin;

/// <summary>The ACC Admin API's project endpoints. Projects never change after start, so no lock is needed.</summary>
internal static class AdminApi
{
    public const string Prefix = "/construction/admin/v1";

    public static void MapAdminApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup(Prefix).WithMetadata(new ApiSurfaceMetadata(ApiSurface.Admin));
        api.MapGet("/accounts/{accountId}/projects", ListProjects);
        api.MapGet("/projects/{projectId}", GetProject);
    }

    private static IResult ListProjects(HttpRequest request, string accountId, Dataset data)
    {
        if (!PageRequest.TryParseAdmin(request.Query, out var page, out var error))
        {
            return ApiErrors.BadRequest(error);
        }

        var id = accountId.StartsWith("b.", StringComparison.OrdinalIgnoreCase) ? accountId[2..] : accountId;
        if (!id.Equals(data.AccountId, StringComparison.OrdinalIgnoreCase))
        {
            return ApiErrors.NotFound($"Account '{accountId}' does not exist or you do not have access to it.");
        }

        var projects = data.Projects.Select(p => p.Project).ToList();
        return PagedResponse.Admin(request, page, projects, RecordWriter.WriteProject);
    }

    private static IResult GetProject(string projectId, Dataset data)
    {
        return data.FindProject(projectId) is { } project
            ? JsonBody.Write(w => RecordWriter.WriteProject(w, project.Project))
            : ApiErrors.NotFound($"Project '{projectId}' does not exist or you do not have access to it.");
    }
}
