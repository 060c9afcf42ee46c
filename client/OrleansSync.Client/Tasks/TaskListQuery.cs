using OrleansSync.Client.Cli;
using OrleansSync.Client.Connection;
using OrleansSync.Client.Database;
using OrleansSync.Schema.Reads;

namespace OrleansSync.Client.Tasks;

/// <summary><c>task list</c>'s read of <c>sync.progress</c>: the whole cluster's tasks in one query.</summary>
public static class TaskListQuery
{
    public static async Task<List<ProgressRows.Row>> RunAsync(ClientSettings settings, string? project, string? status, int limit, CancellationToken cancellationToken)
    {
        if (limit is < 1 or > 10_000)
        {
            throw CliException.BadInput($"--limit {limit} is out of range: give 1 to 10000.");
        }

        var projectId = project is null ? null : ProjectIds.Normalize(project);
        return await ListQuery.ReadAsync(settings, (dataSource, ct) => ProgressRows.ListAsync(dataSource, projectId, status, taskId: null, limit, ct), cancellationToken);
    }
}
