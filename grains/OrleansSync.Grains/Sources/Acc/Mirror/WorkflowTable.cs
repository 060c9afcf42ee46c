using Npgsql;
using OrleansSync.Mirror;

namespace OrleansSync.Sources.Acc.Mirror;

/// <summary><c>acc.workflows</c>: one set-based upsert per page.</summary>
internal static class WorkflowTable
{
    // An older or equal record never rewrites a row (MirrorSql.Guard); RETURNING yields only rows written.
    private const string UpsertSql = $"""
        INSERT INTO acc.workflows AS t (project_id, workflow_id, name, status, created_at, updated_at, raw, synced_at)
        SELECT @project_id, u.workflow_id, u.name, u.status, u.created_at, u.updated_at, u.raw, @now
        FROM unnest(@workflow_id, @name, @status, @created_at, @updated_at, @raw)
            AS u (workflow_id, name, status, created_at, updated_at, raw)
        ON CONFLICT (project_id, workflow_id) DO UPDATE SET
            name = excluded.name,
            status = excluded.status,
            created_at = excluded.created_at,
            updated_at = excluded.updated_at,
            raw = excluded.raw,
            synced_at = excluded.synced_at
        WHERE {MirrorSql.Guard}
        RETURNING t.workflow_id, t.updated_at, (t.xmax = 0) AS inserted
        """;

    public static NpgsqlBatchCommand Upsert(string projectId, IReadOnlyList<WorkflowRow> rows, DateTimeOffset now) => new(UpsertSql)
    {
        Parameters =
        {
            SqlParameters.Text("project_id", projectId),
            SqlParameters.Timestamp("now", now),
            SqlParameters.TextArray("workflow_id", rows, static r => r.WorkflowId),
            SqlParameters.TextArray("name", rows, static r => r.Name),
            SqlParameters.TextArray("status", rows, static r => r.Status),
            SqlParameters.TimestampArray("created_at", rows, static r => r.CreatedAt),
            SqlParameters.TimestampArray("updated_at", rows, static r => r.UpdatedAt),
            SqlParameters.JsonbArray("raw", rows, static r => r.Raw),
        },
    };
}
