using Npgsql;

namespace OrleansSync.Mirror;

/// <summary><c>acc.projects</c>: one set-based upsert per page of an account's projects.</summary>
internal static class ProjectTable
{
    private const string UpsertSql = $"""
        INSERT INTO acc.projects AS t (project_id, account_id, name, status, created_at, updated_at, raw, synced_at)
        SELECT u.project_id, @account_id, u.name, u.status, u.created_at, u.updated_at, u.raw, @now
        FROM unnest(@project_id, @name, @status, @created_at, @updated_at, @raw)
            AS u (project_id, name, status, created_at, updated_at, raw)
        ON CONFLICT (project_id) DO UPDATE SET
            account_id = excluded.account_id,
            name = excluded.name,
            status = excluded.status,
            created_at = excluded.created_at,
            updated_at = excluded.updated_at,
            raw = excluded.raw,
            synced_at = excluded.synced_at
        WHERE {MirrorSql.Guard}
        RETURNING t.project_id, t.updated_at, (t.xmax = 0) AS inserted
        """;

    public static NpgsqlBatchCommand Upsert(string accountId, IReadOnlyList<ProjectRow> rows, DateTimeOffset now) => new(UpsertSql)
    {
        Parameters =
        {
            SqlParameters.Text("account_id", accountId),
            SqlParameters.Timestamp("now", now),
            SqlParameters.TextArray("project_id", rows, static r => r.ProjectId),
            SqlParameters.TextArray("name", rows, static r => r.Name),
            SqlParameters.TextArray("status", rows, static r => r.Status),
            SqlParameters.TimestampArray("created_at", rows, static r => r.CreatedAt),
            SqlParameters.TimestampArray("updated_at", rows, static r => r.UpdatedAt),
            SqlParameters.JsonbArray("raw", rows, static r => r.Raw),
        },
    };
}
