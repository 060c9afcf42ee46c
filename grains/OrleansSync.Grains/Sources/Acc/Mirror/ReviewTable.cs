using Npgsql;
using NpgsqlTypes;
using OrleansSync.Mirror;

namespace OrleansSync.Sources.Acc.Mirror;

/// <summary><c>acc.reviews</c>: one set-based upsert per page. The children markers are not touched here.</summary>
internal static class ReviewTable
{
    private const string UpsertSql = $"""
        INSERT INTO acc.reviews AS t (project_id, review_id, sequence_id, name, status, workflow_id, current_step_id,
            current_step_due_date, archived, created_at, updated_at, finished_at, raw, synced_at)
        SELECT @project_id, u.review_id, u.sequence_id, u.name, u.status, u.workflow_id, u.current_step_id,
            u.current_step_due_date, u.archived, u.created_at, u.updated_at, u.finished_at, u.raw, @now
        FROM unnest(@review_id, @sequence_id, @name, @status, @workflow_id, @current_step_id,
                @current_step_due_date, @archived, @created_at, @updated_at, @finished_at, @raw)
            AS u (review_id, sequence_id, name, status, workflow_id, current_step_id,
                current_step_due_date, archived, created_at, updated_at, finished_at, raw)
        ON CONFLICT (project_id, review_id) DO UPDATE SET
            sequence_id = excluded.sequence_id,
            name = excluded.name,
            status = excluded.status,
            workflow_id = excluded.workflow_id,
            current_step_id = excluded.current_step_id,
            current_step_due_date = excluded.current_step_due_date,
            archived = excluded.archived,
            created_at = excluded.created_at,
            updated_at = excluded.updated_at,
            finished_at = excluded.finished_at,
            raw = excluded.raw,
            synced_at = excluded.synced_at
        WHERE {MirrorSql.Guard}
        RETURNING t.review_id, t.updated_at, (t.xmax = 0) AS inserted
        """;

    public static NpgsqlBatchCommand Upsert(string projectId, IReadOnlyList<ReviewRow> rows, DateTimeOffset now) => new(UpsertSql)
    {
        Parameters =
        {
            SqlParameters.Text("project_id", projectId),
            SqlParameters.Timestamp("now", now),
            SqlParameters.TextArray("review_id", rows, static r => r.ReviewId),
            SqlParameters.Array("sequence_id", NpgsqlDbType.Bigint, rows, static r => r.SequenceId),
            SqlParameters.TextArray("name", rows, static r => r.Name),
            SqlParameters.TextArray("status", rows, static r => r.Status),
            SqlParameters.TextArray("workflow_id", rows, static r => r.WorkflowId),
            SqlParameters.TextArray("current_step_id", rows, static r => r.CurrentStepId),
            SqlParameters.TimestampArray("current_step_due_date", rows, static r => r.CurrentStepDueDate),
            SqlParameters.Array("archived", NpgsqlDbType.Boolean, rows, static r => r.Archived),
            SqlParameters.TimestampArray("created_at", rows, static r => r.CreatedAt),
            SqlParameters.TimestampArray("updated_at", rows, static r => r.UpdatedAt),
            SqlParameters.TimestampArray("finished_at", rows, static r => r.FinishedAt),
            SqlParameters.JsonbArray("raw", rows, static r => r.Raw),
        },
    };
}
