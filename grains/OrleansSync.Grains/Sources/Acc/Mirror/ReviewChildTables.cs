using Npgsql;
using NpgsqlTypes;
using OrleansSync.Mirror;

namespace OrleansSync.Sources.Acc.Mirror;

/// <summary>
/// <c>acc.review_versions</c> and <c>acc.review_progress</c>: a review's children are replaced as a set, in one
/// statement, unless the stored set is from a newer review updatedAt. Rows equal to the stored ones are not rewritten.
/// A list that is not whole (a child was malformed) only upserts what it holds: it cannot prove the others gone, so
/// nothing is deleted, and the review's marker is cleared so that the next run, incremental or not, reads it again.
/// </summary>
internal static class ReviewChildTables
{
    // {0} child table, {1} marker column on acc.reviews, {2} key column, {3} typed columns, {4} their unnest
    // arguments, {5} their SET list, {6} the column naming the run that visited the review last (set even when a newer
    // set is stored: the visit happened). Identifiers come from this file only; every value is a parameter.
    // review_updated_at NULL (no updatedAt upstream) is -infinity here: older than any real one.
    private const string ReplaceTemplate = """
        WITH stamp AS (
            SELECT COALESCE(@review_updated_at, '-infinity'::timestamptz) AS ts
        ),
        guard AS (
            SELECT NOT EXISTS (
                    SELECT 1 FROM acc.reviews r, stamp
                    WHERE r.project_id = @project_id AND r.review_id = @review_id AND r.{1} > stamp.ts)
                AND NOT EXISTS (
                    SELECT 1 FROM {0} c, stamp
                    WHERE c.project_id = @project_id AND c.review_id = @review_id AND c.review_updated_at > stamp.ts)
                AS applies
        ),
        removed AS (
            DELETE FROM {0} c USING guard
            WHERE guard.applies AND @whole AND c.project_id = @project_id AND c.review_id = @review_id AND c.{2} <> ALL (@{2})
            RETURNING 1
        ),
        written AS (
            INSERT INTO {0} AS t (project_id, review_id, {2}, {3}, review_updated_at, raw, synced_at)
            SELECT @project_id, @review_id, u.{2}, {3}, @review_updated_at, u.raw, @now
            FROM unnest(@{2}, {4}, @raw) AS u ({2}, {3}, raw), guard
            WHERE guard.applies
            ON CONFLICT (project_id, review_id, {2}) DO UPDATE SET
                {5},
                review_updated_at = excluded.review_updated_at,
                raw = excluded.raw,
                synced_at = excluded.synced_at
            WHERE t.raw IS DISTINCT FROM excluded.raw
            RETURNING (t.xmax = 0) AS inserted
        ),
        marked AS (
            UPDATE acc.reviews r SET
                {1} = CASE WHEN NOT guard.applies THEN r.{1} WHEN @whole THEN stamp.ts END,
                {6} = COALESCE(@run_id, r.{6})
            FROM guard, stamp
            WHERE (guard.applies OR @run_id IS NOT NULL) AND r.project_id = @project_id AND r.review_id = @review_id
            RETURNING 1
        )
        SELECT (SELECT applies FROM guard),
            (SELECT count(*) FROM written WHERE inserted)::integer,
            (SELECT count(*) FROM written WHERE NOT inserted)::integer,
            (SELECT count(*) FROM removed)::integer
        """;

    private static readonly string VersionsSql = Expand(
        "acc.review_versions", StreamNames.ReviewVersions, "urn", ["item_urn", "name", "approve_status"]);

    private static readonly string ProgressSql = Expand(
        "acc.review_progress", StreamNames.ReviewProgress, "position", ["step_id", "step_name", "status", "end_time"]);

    /// <summary>The column on <c>acc.reviews</c> holding the updatedAt a review's children in <paramref name="stream"/> were synced for.</summary>
    public static string SyncedFor(string stream) => stream == StreamNames.ReviewVersions ? "versions_synced_for" : "progress_synced_for";

    /// <summary>The column on <c>acc.reviews</c> naming the run whose walk of <paramref name="stream"/> visited the review last.</summary>
    public static string VisitedRun(string stream) => stream == StreamNames.ReviewVersions ? "versions_visited_run" : "progress_visited_run";

    /// <summary>Serialises replacements of one review's children: each sees the set the previous one committed.</summary>
    public static NpgsqlBatchCommand Lock(string stream, string projectId, string reviewId) =>
        new("SELECT pg_advisory_xact_lock(hashtextextended(@lock_key, 0))")
        {
            // A hash collision only makes two unrelated replacements wait for each other.
            Parameters = { SqlParameters.Text("lock_key", $"acc.{stream}/{projectId}/{reviewId}") },
        };

    /// <summary>
    /// Clears a review's marker of <paramref name="stream"/>: the next run reads its children again, whatever its kind.
    /// The review was still visited by <paramref name="runId"/>'s walk, which goes on without it.
    /// </summary>
    public static NpgsqlBatchCommand Unmark(string stream, string projectId, string reviewId, string? runId) =>
        new(string.Format(
            System.Globalization.CultureInfo.InvariantCulture,
            "UPDATE acc.reviews SET {0} = NULL, {1} = COALESCE(@run_id, {1}) WHERE project_id = @project_id AND review_id = @review_id",
            SyncedFor(stream),
            VisitedRun(stream)))
        {
            Parameters = { SqlParameters.Text("project_id", projectId), SqlParameters.Text("review_id", reviewId), SqlParameters.Text("run_id", runId) },
        };

    public static NpgsqlBatchCommand ReplaceVersions(
        string projectId, string reviewId, DateTimeOffset reviewUpdatedAt, IReadOnlyList<VersionRow> rows, bool whole, string? runId, DateTimeOffset now) =>
        Replace(VersionsSql, projectId, reviewId, reviewUpdatedAt, whole, runId, now,
            SqlParameters.TextArray("urn", rows, static r => r.Urn),
            SqlParameters.TextArray("item_urn", rows, static r => r.ItemUrn),
            SqlParameters.TextArray("name", rows, static r => r.Name),
            SqlParameters.TextArray("approve_status", rows, static r => r.ApproveStatus),
            SqlParameters.JsonbArray("raw", rows, static r => r.Raw));

    public static NpgsqlBatchCommand ReplaceProgress(
        string projectId, string reviewId, DateTimeOffset reviewUpdatedAt, IReadOnlyList<ProgressRow> rows, bool whole, string? runId, DateTimeOffset now) =>
        Replace(ProgressSql, projectId, reviewId, reviewUpdatedAt, whole, runId, now,
            SqlParameters.Array("position", NpgsqlDbType.Integer, rows, static r => r.Position),
            SqlParameters.TextArray("step_id", rows, static r => r.StepId),
            SqlParameters.TextArray("step_name", rows, static r => r.StepName),
            SqlParameters.TextArray("status", rows, static r => r.Status),
            SqlParameters.TimestampArray("end_time", rows, static r => r.EndTime),
            SqlParameters.JsonbArray("raw", rows, static r => r.Raw));

    /// <summary>Reads the replacement's one row: whether it applied, and rows inserted, updated and removed.</summary>
    public static async Task<(bool Applied, int Inserted, int Updated, int Removed)> ReadAsync(NpgsqlDataReader reader, CancellationToken cancellationToken)
    {
        if (!await reader.ReadAsync(cancellationToken))
        {
            throw new InvalidOperationException("The children replacement returned no row.");
        }

        return (reader.GetBoolean(0), reader.GetInt32(1), reader.GetInt32(2), reader.GetInt32(3));
    }

    private static NpgsqlBatchCommand Replace(
        string sql, string projectId, string reviewId, DateTimeOffset reviewUpdatedAt, bool whole, string? runId, DateTimeOffset now, params NpgsqlParameter[] arrays)
    {
        var command = new NpgsqlBatchCommand(sql)
        {
            Parameters =
            {
                SqlParameters.Text("project_id", projectId),
                SqlParameters.Text("review_id", reviewId),
                SqlParameters.Timestamp("review_updated_at", reviewUpdatedAt == ReviewStamp.NoUpdatedAt ? null : reviewUpdatedAt),
                SqlParameters.Timestamp("now", now),
                SqlParameters.Boolean("whole", whole),
                SqlParameters.Text("run_id", runId),
            },
        };
        command.Parameters.AddRange(arrays);
        return command;
    }

    private static string Expand(string table, string stream, string key, string[] columns) =>
        string.Format(
            System.Globalization.CultureInfo.InvariantCulture,
            ReplaceTemplate,
            table,
            SyncedFor(stream),
            key,
            string.Join(", ", columns),
            string.Join(", ", columns.Select(static c => "@" + c)),
            string.Join(", ", columns.Select(static c => $"{c} = excluded.{c}")),
            VisitedRun(stream));
}
