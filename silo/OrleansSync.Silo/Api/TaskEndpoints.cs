using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using OrleansSync.Schema.Reads;
using OrleansSync.Tasks;

namespace OrleansSync.Silo.Api;

/// <summary><c>/api/v1/tasks</c>: the stored list, one task live and stored side by side, and task control.</summary>
internal static class TaskEndpoints
{
    private const int MaxTasks = 10_000;

    private static readonly string[] Statuses = [.. Enum.GetValues<SyncTaskStatus>().Select(static s => s.ToText())];

    /// <summary>
    /// One task: its grain's live view, its row in <c>sync.progress</c> (null before the first write), and whether
    /// the two agree: <c>synced</c>; <c>lagging</c> while the row is behind what the grain has done (progress writes
    /// are coalesced); <c>out_of_sync</c> when the row claims what the grain does not (more records, another outcome).
    /// </summary>
    public sealed record class TaskDocument(TaskView Live, ProgressRows.Row? Stored, string Consistency, TaskDifference? Difference);

    /// <summary>What the stored row lacks (positive) or claims beyond (negative) the live view.</summary>
    public sealed record class TaskDifference(long RecordsRead, string LiveStatus, string? StoredStatus);

    public static void Map(RouteGroupBuilder api)
    {
        var tasks = api.MapGroup("/tasks").WithTags("Tasks");
        tasks.MapGet("/", ListAsync);
        tasks.MapGet("/{id}", GetAsync);
        tasks.MapPost("/{id}/pause", (string id, IGrainFactory grains, CancellationToken ct) => ControlAsync(id, grains, static (t, c) => t.PauseAsync(c), ct));
        tasks.MapPost("/{id}/resume", (string id, IGrainFactory grains, CancellationToken ct) => ControlAsync(id, grains, static (t, c) => t.ResumeAsync(c), ct));
        tasks.MapPost("/{id}/retry", (string id, IGrainFactory grains, CancellationToken ct) => ControlAsync(id, grains, static (t, c) => t.RetryAsync(c), ct));
        tasks.MapPost("/{id}/cancel", (string id, IGrainFactory grains, CancellationToken ct) => ControlAsync(id, grains, static (t, c) => t.CancelAsync(c), ct));
    }

    private static async Task<Results<Ok<List<ProgressRows.Row>>, ProblemHttpResult>> ListAsync(
        string? project, string? status, int? limit, NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        if (!ApiProblems.TryLimit(limit, 100, MaxTasks, out var count, out var problem))
        {
            return problem;
        }

        if (status is not null && !Statuses.Contains(status, StringComparer.Ordinal))
        {
            return ApiProblems.BadRequest($"'status' '{status}' is not a task status: give one of {string.Join(", ", Statuses)}.");
        }

        var projectId = string.IsNullOrWhiteSpace(project) ? null : ProjectIds.Normalize(project);
        return TypedResults.Ok(await ProgressRows.ListAsync(dataSource, projectId, status, taskId: null, count, cancellationToken));
    }

    private static async Task<Results<Ok<TaskDocument>, ProblemHttpResult>> GetAsync(
        string id, IGrainFactory grains, NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        var live = await grains.GetGrain<ISyncTaskGrain>(id).GetAsync(cancellationToken);
        if (live is null)
        {
            return ApiProblems.NoTask(id);
        }

        var stored = (await ProgressRows.ListAsync(dataSource, projectId: null, status: null, id, limit: 1, cancellationToken)).SingleOrDefault();
        var (consistency, difference) = Compare(live, stored);
        return TypedResults.Ok(new TaskDocument(live, stored, consistency, difference));
    }

    private static async Task<Results<Ok<TaskView>, ProblemHttpResult>> ControlAsync(
        string id, IGrainFactory grains, Func<ISyncTaskGrain, CancellationToken, Task<TaskView?>> action, CancellationToken cancellationToken)
    {
        try
        {
            return await action(grains.GetGrain<ISyncTaskGrain>(id), cancellationToken) is { } view ? TypedResults.Ok(view) : ApiProblems.NoTask(id);
        }
        catch (InvalidRequestException e)
        {
            // The task exists and is in a state the action does not take: the message names the states it does.
            return ApiProblems.Conflict(e.Message);
        }
        catch (TaskNotSavedException e)
        {
            return ApiProblems.Conflict(e.Message);
        }
    }

    /// <summary>How the stored row stands against the live view (the rules are <see cref="TaskDocument"/>'s).</summary>
    internal static (string Consistency, TaskDifference? Difference) Compare(TaskView live, ProgressRows.Row? stored)
    {
        var liveStatus = live.Status.ToText();
        var behind = live.Progress.RecordsRead - (stored?.RecordsRead ?? 0);
        if (stored is not null && stored.Status == liveStatus && behind == 0)
        {
            return ("synced", null);
        }

        var difference = new TaskDifference(behind, liveStatus, stored?.Status);
        var storedEnded = stored is not null && Enum.TryParse<SyncTaskStatus>(stored.Status, ignoreCase: true, out var ended) && ended.IsTerminal();
        return behind < 0 || (storedEnded && stored!.Status != liveStatus) ? ("out_of_sync", difference) : ("lagging", difference);
    }
}
