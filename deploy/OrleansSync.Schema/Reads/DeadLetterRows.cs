using Npgsql;

namespace OrleansSync.Schema.Reads;

/// <summary>
/// Reads <c>sync.dead_letters</c>, where the mirror writer keeps the records it could not land, for the CLI's
/// <c>deadletter list</c> and the HTTP API alike. A null filter matches every row.
/// </summary>
public static class DeadLetterRows
{
    private const string Columns = "id, project_id, stream, record_key, reason, occurrences, first_seen_at, last_seen_at, task_id, raw, resolved_at";

    /// <summary>One dead letter; <c>Raw</c> is the record's text exactly as received; <c>ResolvedAt</c> when its record later landed.</summary>
    public sealed record class Row(
        long Id, string ProjectId, string Stream, string? RecordKey, string Reason, int Occurrences,
        DateTimeOffset FirstSeenAt, DateTimeOffset LastSeenAt, string? TaskId, string Raw, DateTimeOffset? ResolvedAt);

    /// <summary>Open dead letters (and resolved ones too when <c>resolved</c>), most recently seen first.</summary>
    public static async Task<List<Row>> ListAsync(
        NpgsqlDataSource dataSource, string? projectId, string? stream, bool resolved, int limit, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            $"""
            SELECT {Columns}
              FROM sync.dead_letters
             WHERE (@project::text IS NULL OR project_id = @project) AND (@stream::text IS NULL OR stream = @stream)
               AND (@resolved OR resolved_at IS NULL)
             ORDER BY last_seen_at DESC, id DESC
             LIMIT @limit
            """);
        command.Parameters.AddWithValue("project", (object?)projectId ?? DBNull.Value);
        command.Parameters.AddWithValue("stream", (object?)stream ?? DBNull.Value);
        command.Parameters.AddWithValue("resolved", resolved);
        command.Parameters.AddWithValue("limit", limit);
        return await ReadAsync(command, cancellationToken);
    }

    /// <summary>
    /// The dead letters one run's tasks added or last saw (open and resolved), most recently seen first. A task's key
    /// ends with its run's id, and a record refused again by a later run moves to that run's task.
    /// </summary>
    public static async Task<List<Row>> ListForRunAsync(
        NpgsqlDataSource dataSource, string projectId, string runId, int limit, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            $"""
            SELECT {Columns}
              FROM sync.dead_letters
             WHERE project_id = @project AND right(task_id, length(@suffix)) = @suffix
             ORDER BY last_seen_at DESC, id DESC
             LIMIT @limit
            """);
        command.Parameters.AddWithValue("project", projectId);
        command.Parameters.AddWithValue("suffix", ":" + runId);
        command.Parameters.AddWithValue("limit", limit);
        return await ReadAsync(command, cancellationToken);
    }

    private static async Task<List<Row>> ReadAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        var rows = new List<Row>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(new Row(
                reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetString(3),
                reader.GetString(4), reader.GetInt32(5), reader.GetFieldValue<DateTimeOffset>(6), reader.GetFieldValue<DateTimeOffset>(7),
                reader.IsDBNull(8) ? null : reader.GetString(8), reader.GetString(9),
                reader.IsDBNull(10) ? null : reader.GetFieldValue<DateTimeOffset>(10)));
        }

        return rows;
    }
}
