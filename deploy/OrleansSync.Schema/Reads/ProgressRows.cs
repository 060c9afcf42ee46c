using Npgsql;

namespace OrleansSync.Schema.Reads;

/// <summary>
/// Reads <c>sync.progress</c>, the progress writer's table: the whole cluster's tasks in one query, for the CLI's task
/// lists and the HTTP API alike. A null filter matches every row. A streaming task's row carries its lag as the task
/// last measured it (bytes of source WAL behind, seconds, the <c>MaxSlotLag</c> limit, when); null for the others.
/// </summary>
public static class ProgressRows
{
    public sealed record class Row(
        string TaskId, string ProjectId, string Stream, string? RunId, string Status, long RecordsRead, long RecordsInserted,
        long RecordsUpdated, long RecordsUnchanged, long RecordsDeadLettered, long? TotalRecords, long UpstreamCalls, int Attempts,
        string? LastError, string? Silo, DateTimeOffset? StartedAt, DateTimeOffset UpdatedAt, DateTimeOffset? FinishedAt,
        string Kind, double? Percent, double? RecordsPerSecond, DateTimeOffset? Eta, string Breaker,
        long? LagBytes, double? LagSeconds, long? LagLimit, DateTimeOffset? LagAt)
    {
        /// <summary>Above its limit: the source keeps that much WAL for the task.</summary>
        public bool? LagOverLimit => LagBytes is { } bytes && LagLimit is { } limit ? bytes > limit : null;
    }

    /// <summary>The most recently updated rows first.</summary>
    public static async Task<List<Row>> ListAsync(
        NpgsqlDataSource dataSource, string? projectId, string? status, string? taskId, int limit, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            """
            SELECT task_id, project_id, stream, run_id, status, records_read, records_inserted, records_updated, records_unchanged,
                   records_dead_lettered, total_records, upstream_calls, attempts, last_error, silo, started_at, updated_at, finished_at,
                   kind, percent, records_per_second, eta, breaker, lag_bytes, lag_seconds, lag_limit, lag_at
              FROM sync.progress
             WHERE (@project::text IS NULL OR project_id = @project) AND (@status::text IS NULL OR status = @status)
               AND (@task::text IS NULL OR task_id = @task)
             ORDER BY updated_at DESC
             LIMIT @limit
            """);
        command.Parameters.AddWithValue("project", (object?)projectId ?? DBNull.Value);
        command.Parameters.AddWithValue("status", (object?)status ?? DBNull.Value);
        command.Parameters.AddWithValue("task", (object?)taskId ?? DBNull.Value);
        command.Parameters.AddWithValue("limit", limit);
        var rows = new List<Row>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(new Row(
                reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetString(3), reader.GetString(4),
                reader.GetInt64(5), reader.GetInt64(6), reader.GetInt64(7), reader.GetInt64(8), reader.GetInt64(9),
                reader.IsDBNull(10) ? null : reader.GetInt64(10), reader.GetInt64(11), reader.GetInt32(12),
                reader.IsDBNull(13) ? null : reader.GetString(13), reader.IsDBNull(14) ? null : reader.GetString(14),
                reader.IsDBNull(15) ? null : reader.GetFieldValue<DateTimeOffset>(15), reader.GetFieldValue<DateTimeOffset>(16),
                reader.IsDBNull(17) ? null : reader.GetFieldValue<DateTimeOffset>(17),
                reader.GetString(18), reader.IsDBNull(19) ? null : reader.GetDouble(19), reader.IsDBNull(20) ? null : reader.GetDouble(20),
                reader.IsDBNull(21) ? null : reader.GetFieldValue<DateTimeOffset>(21), reader.GetString(22),
                reader.IsDBNull(23) ? null : reader.GetInt64(23), reader.IsDBNull(24) ? null : reader.GetDouble(24),
                reader.IsDBNull(25) ? null : reader.GetInt64(25), reader.IsDBNull(26) ? null : reader.GetFieldValue<DateTimeOffset>(26)));
        }

        return rows;
    }
}
