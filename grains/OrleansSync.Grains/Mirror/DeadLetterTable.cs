using Npgsql;
using NpgsqlTypes;

namespace OrleansSync.Mirror;

/// <summary><c>sync.dead_letters</c>: one row per distinct bad record of a project's stream.</summary>
internal static class DeadLetterTable
{
    private const string UpsertSql = """
        INSERT INTO sync.dead_letters AS t
            (project_id, stream, task_id, record_key, raw, raw_sha256, reason, occurrences, first_seen_at, last_seen_at)
        SELECT @project_id, @stream, @task_id, u.record_key, u.raw, u.raw_sha256, u.reason, u.occurrences, @now, @now
        FROM unnest(@record_key, @raw, @raw_sha256, @reason, @occurrences) AS u (record_key, raw, raw_sha256, reason, occurrences)
        ON CONFLICT (project_id, stream, raw_sha256) DO UPDATE SET
            occurrences = t.occurrences + excluded.occurrences,
            last_seen_at = excluded.last_seen_at,
            task_id = excluded.task_id,
            record_key = excluded.record_key,
            reason = excluded.reason
        """;

    // A record that lands resolves the open dead letters of its key: they stay for the record, and retention cleans them.
    private const string ResolveSql = """
        UPDATE sync.dead_letters SET resolved_at = @now
        WHERE project_id = @project_id AND stream = @stream AND resolved_at IS NULL AND record_key = ANY(@record_keys)
        """;

    // A review's children are keyed "<review>/<child>"; the review's own key names a list that could not be read.
    private const string ResolveChildrenSql = """
        UPDATE sync.dead_letters SET resolved_at = @now
        WHERE project_id = @project_id AND stream = @stream AND resolved_at IS NULL
            AND (record_key = ANY(@record_keys) OR (@whole AND starts_with(record_key, @review_prefix)))
        """;

    /// <summary>
    /// Marks resolved the dead letters of a review's children that landed, and the review's own (its list was read).
    /// A <paramref name="whole"/> list resolves every child's: a child it does not hold is gone upstream.
    /// </summary>
    public static NpgsqlBatchCommand ResolveReviewChildren(
        string projectId, string stream, string reviewId, IReadOnlyList<string> landedChildKeys, bool whole, DateTimeOffset now) =>
        new(ResolveChildrenSql)
        {
            Parameters =
            {
                SqlParameters.Text("project_id", projectId),
                SqlParameters.Text("stream", stream),
                SqlParameters.Timestamp("now", now),
                SqlParameters.TextArray("record_keys", [reviewId, .. landedChildKeys.Select(k => ChildKey(reviewId, k))], static k => k),
                SqlParameters.Boolean("whole", whole),
                SqlParameters.Text("review_prefix", ChildKey(reviewId, string.Empty)),
            },
        };

    /// <summary>The record key of a review's child in <c>sync.dead_letters</c>.</summary>
    public static string ChildKey(string reviewId, string childKey) => reviewId + "/" + childKey;

    /// <summary>Marks resolved the open dead letters of records that have now landed; null when no record landed.</summary>
    public static NpgsqlBatchCommand? Resolve(string projectId, string stream, IReadOnlyList<string> landedKeys, DateTimeOffset now) =>
        landedKeys.Count == 0 ? null : new NpgsqlBatchCommand(ResolveSql)
        {
            Parameters =
            {
                SqlParameters.Text("project_id", projectId),
                SqlParameters.Text("stream", stream),
                SqlParameters.Timestamp("now", now),
                SqlParameters.TextArray("record_keys", landedKeys, static k => k),
            },
        };

    /// <summary>The upsert of a page's dead letters, or null when it has none.</summary>
    public static NpgsqlBatchCommand? Upsert(string projectId, string stream, string taskId, IReadOnlyList<DeadLetter> deadLetters, DateTimeOffset now)
    {
        if (deadLetters.Count == 0)
        {
            return null;
        }

        // A page may hold the same bad record twice; one INSERT may not touch a row twice, so count them here.
        // Ordered by identity, as mirror rows are, so concurrent pages lock common rows in the same order.
        var distinct = deadLetters
            .GroupBy(static d => d.RawSha256, StringComparer.Ordinal)
            .OrderBy(static g => g.Key, StringComparer.Ordinal)
            .Select(static g => (Letter: g.First(), Occurrences: g.Count()))
            .ToList();
        return new NpgsqlBatchCommand(UpsertSql)
        {
            Parameters =
            {
                SqlParameters.Text("project_id", projectId),
                SqlParameters.Text("stream", stream),
                SqlParameters.Text("task_id", taskId),
                SqlParameters.Timestamp("now", now),
                SqlParameters.TextArray("record_key", distinct, static d => d.Letter.RecordKey),
                SqlParameters.TextArray("raw", distinct, static d => d.Letter.Raw),
                SqlParameters.TextArray("raw_sha256", distinct, static d => d.Letter.RawSha256),
                SqlParameters.TextArray("reason", distinct, static d => d.Letter.Reason),
                SqlParameters.Array("occurrences", NpgsqlDbType.Integer, distinct, static d => d.Occurrences),
            },
        };
    }
}
