using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using OrleansSync.Projects;
using OrleansSync.Schema.Reads;
using OrleansSync.Tasks;

namespace OrleansSync.Silo.Api;

/// <summary><c>/api/v1/runs/{runId}</c> and <c>/api/v1/projects/{id}/runs</c>: a run's live state, and a project's history.</summary>
internal static class RunEndpoints
{
    private const int MaxRuns = 1000;
    private const int KeptDeadLetters = 100;

    /// <summary>
    /// A run as <c>GET /runs/{runId}</c> answers it. <paramref name="Status"/> is <c>running</c> until every task ended,
    /// then <c>succeeded</c>, <c>failed</c> or <c>cancelled</c>. Counters add up its tasks; <paramref name="Percent"/> is
    /// its tasks' shares of their own totals, averaged (null while a task knows no total); <paramref name="Eta"/> is
    /// its slowest task's. Runs older than the project's grain remembers come from <c>sync.runs</c>, without tasks.
    /// <paramref name="DeadLetters"/> are the records its tasks could not land (the 100 most recently seen; the counters
    /// count them all), as <c>GET /deadletters</c> gives them.
    /// </summary>
    public sealed record class RunDocument(
        string RunId,
        string ProjectId,
        string Status,
        string Trigger,
        bool Full,
        DateTimeOffset StartedAt,
        DateTimeOffset? FinishedAt,
        RunCounters Counters,
        double? Percent,
        DateTimeOffset? Eta,
        IReadOnlyList<RunError> Errors,
        string? Error,
        IReadOnlyList<TaskView> Tasks,
        IReadOnlyList<DeadLetterRows.Row> DeadLetters);

    public sealed record class RunCounters(long RecordsRead, long Inserted, long Updated, long Unchanged, long DeadLettered, long UpstreamCalls, long Deleted);

    public sealed record class RunError(string TaskId, string Stream, DateTimeOffset At, int Attempt, string Message);

    public static void Map(RouteGroupBuilder api)
    {
        api.MapGet("/runs/{runId}", GetAsync).WithTags("Runs");
        api.MapGet("/projects/{id}/runs", ListAsync).WithTags("Runs");
    }

    private static async Task<Results<Ok<RunDocument>, ProblemHttpResult>> GetAsync(
        string runId, IGrainFactory grains, RunRecords records, NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        var row = await records.FindAsync(runId, cancellationToken);
        if (row is null)
        {
            return ApiProblems.NotFound($"No run '{runId}': GET {ApiRoutes.Prefix}/projects/{{id}}/runs lists a project's runs.");
        }

        var deadLetters = await DeadLetterRows.ListForRunAsync(dataSource, row.ProjectId, row.RunId, KeptDeadLetters, cancellationToken);

        var run = await grains.GetGrain<IProjectGrain>(row.ProjectId).GetRunAsync(runId, cancellationToken);
        if (run is null)
        {
            var counters = new RunCounters(row.RecordsRead, row.RecordsInserted, row.RecordsUpdated, row.RecordsUnchanged, row.RecordsDeadLettered, row.UpstreamCalls, row.RecordsDeleted);
            return TypedResults.Ok(new RunDocument(
                row.RunId, row.ProjectId, row.Status, row.Trigger, row.Kind == "full", row.StartedAt, row.FinishedAt, counters, null, null, [], row.Error, [], deadLetters));
        }

        var views = await Task.WhenAll(run.Tasks.Select(t => grains.GetGrain<ISyncTaskGrain>(t.TaskId).GetAsync(cancellationToken)));
        var tasks = views.OfType<TaskView>().ToList();
        return TypedResults.Ok(Describe(run, tasks, deadLetters));
    }

    private static async Task<Results<Ok<List<RunRecords.Row>>, ProblemHttpResult>> ListAsync(
        string id, int? limit, IGrainFactory grains, RunRecords records, CancellationToken cancellationToken)
    {
        if (!ApiProblems.TryLimit(limit, 20, MaxRuns, out var count, out var problem))
        {
            return problem;
        }

        var projectId = ProjectIds.Normalize(id);
        if (await grains.GetGrain<IProjectGrain>(projectId).GetAsync(cancellationToken) is null)
        {
            return ApiProblems.NoProject(projectId);
        }

        return TypedResults.Ok(await records.ListAsync(projectId, count, cancellationToken));
    }

    private static RunDocument Describe(RunView run, IReadOnlyList<TaskView> tasks, IReadOnlyList<DeadLetterRows.Row> deadLetters)
    {
        var status = run.Status.IsTerminal() ? run.Status.ToText() : "running";
        var counters = new RunCounters(
            tasks.Sum(static t => t.Progress.RecordsRead),
            tasks.Sum(static t => t.Progress.Inserted),
            tasks.Sum(static t => t.Progress.Updated),
            tasks.Sum(static t => t.Progress.Unchanged),
            tasks.Sum(static t => t.Progress.DeadLettered),
            tasks.Sum(static t => t.Progress.Calls),
            tasks.Sum(static t => t.Progress.Deleted));
        // Each task's share of its own total (records, else pages: children know the reviews they will visit), averaged
        // over the run's tasks; a task that ended well is done whatever it knew. Null while any task knows no total.
        var shares = tasks.Select(static t => t.Status == SyncTaskStatus.Succeeded ? 100.0 : t.Progress.Percent).ToList();
        double? percent = shares.Count > 0 && shares.All(static p => p is not null) ? shares.Average(static p => p!.Value) : null;

        var eta = run.Status.IsTerminal() ? null : tasks.Where(static t => !t.Status.IsTerminal()).Max(static t => t.Eta);
        var errors = tasks
            .SelectMany(static t => t.Errors.Select(e => new RunError(t.Spec.TaskId, t.Spec.Stream, e.At, e.Attempt, e.Message)))
            .OrderByDescending(static e => e.At)
            .Take(10)
            .ToList();
        return new RunDocument(run.RunId, run.ProjectId, status, run.Trigger, run.Full, run.StartedAt, run.FinishedAt, counters, percent, eta, errors, run.Error, tasks, deadLetters);
    }
}
