using Npgsql;

namespace OrleansSync.Silo.Api;

/// <summary>
/// Runs as <c>sync.runs</c> keeps them: which project a run belongs to (run ids do not say), and a project's history,
/// which outlives what its grain remembers.
/// </summary>
internal sealed class RunRecords(NpgsqlDataSource dataSource)
{
    /// <summary>One row of <c>sync.runs</c>, as <c>GET /projects/{id}/runs</c> lists it.</summary>
    public sealed record class Row(
        string RunId, string ProjectId, string Kind, string Trigger, string Status, int Tasks, long RecordsRead, long RecordsInserted,
        long RecordsUpdated, long RecordsUnchanged, long RecordsDeadLettered, long UpstreamCalls, string? Error, string? Reason,
        DateTimeOffset StartedAt, DateTimeOffset? FinishedAt, long RecordsDeleted);

    private const string Columns =
        "run_id, project_id, kind, trigger, status, tasks, records_read, records_inserted, records_updated, records_unchanged, " +
        "records_dead_lettered, upstream_calls, error, reason, started_at, finished_at, records_deleted";

    public async Task<Row?> FindAsync(string runId, CancellationToken cancellationToken)
    {
        var rows = await ReadAsync($"SELECT {Columns} FROM sync.runs WHERE run_id = @run", [("run", runId)], cancellationToken);
        return rows.SingleOrDefault();
    }

    public Task<List<Row>> ListAsync(string projectId, int limit, CancellationToken cancellationToken) => ReadAsync(
        $"SELECT {Columns} FROM sync.runs WHERE project_id = @project ORDER BY started_at DESC LIMIT @limit",
        [("project", projectId), ("limit", limit)],
        cancellationToken);

    private async Task<List<Row>> ReadAsync(string sql, (string Name, object Value)[] parameters, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(sql);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        var rows = new List<Row>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(new Row(
                reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4), reader.GetInt32(5),
                reader.GetInt64(6), reader.GetInt64(7), reader.GetInt64(8), reader.GetInt64(9), reader.GetInt64(10), reader.GetInt64(11),
                reader.IsDBNull(12) ? null : reader.GetString(12), reader.IsDBNull(13) ? null : reader.GetString(13),
                reader.GetFieldValue<DateTimeOffset>(14), reader.IsDBNull(15) ? null : reader.GetFieldValue<DateTimeOffset>(15),
                reader.GetInt64(16)));
        }

        return rows;
    }
}
