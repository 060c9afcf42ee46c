using Npgsql;
using OrleansSync.Mirror;

namespace OrleansSync.Sources.Acc.Mirror;

/// <summary>Finds the reviews whose children (versions or progress) a run should fetch.</summary>
internal static class ReviewChildQueries
{
    // {0} the stream's marker column on acc.reviews, {1} its visited-run column. A review without updatedAt is
    // -infinity: once synced, it stays so. A --full run (@full_run_id) needs every review its walk has not visited.
    private const string NeedingWhere = """
        WHERE project_id = @project_id
            AND (@after_review_id IS NULL OR review_id > @after_review_id)
            AND CASE WHEN @full_run_id IS NULL THEN {0} IS NULL OR {0} < COALESCE(updated_at, '-infinity'::timestamptz)
                ELSE {1} IS DISTINCT FROM @full_run_id END
        """;

    private static readonly string VersionsSql = Needing(StreamNames.ReviewVersions);

    private static readonly string ProgressSql = Needing(StreamNames.ReviewProgress);

    private static readonly string CountVersionsSql = Counting(StreamNames.ReviewVersions);

    private static readonly string CountProgressSql = Counting(StreamNames.ReviewProgress);

    /// <summary>How many reviews after <paramref name="afterReviewId"/> need their children fetched: the run's remaining work.</summary>
    public static async Task<long> CountNeedingChildrenAsync(
        NpgsqlDataSource dataSource, string projectId, string stream, string? fullRunId, string? afterReviewId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(stream == StreamNames.ReviewVersions ? CountVersionsSql : CountProgressSql);
        command.Parameters.Add(SqlParameters.Text("project_id", projectId));
        command.Parameters.Add(SqlParameters.Text("after_review_id", afterReviewId));
        command.Parameters.Add(SqlParameters.Text("full_run_id", fullRunId));
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    public static async Task<IReadOnlyList<ReviewStamp>> NeedingChildrenAsync(
        NpgsqlDataSource dataSource, string projectId, string stream, string? fullRunId, string? afterReviewId, int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        var sql = stream switch
        {
            StreamNames.ReviewVersions => VersionsSql,
            StreamNames.ReviewProgress => ProgressSql,
            _ => throw new ArgumentOutOfRangeException(nameof(stream), stream, "Children are review_versions or review_progress."),
        };

        await using var command = dataSource.CreateCommand(sql);
        command.Parameters.Add(SqlParameters.Text("project_id", projectId));
        command.Parameters.Add(SqlParameters.Text("after_review_id", afterReviewId));
        command.Parameters.Add(SqlParameters.Text("full_run_id", fullRunId));
        command.Parameters.Add(SqlParameters.Integer("limit", limit));
        var reviews = new List<ReviewStamp>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var updatedAt = await reader.IsDBNullAsync(1, cancellationToken) ? ReviewStamp.NoUpdatedAt : reader.GetFieldValue<DateTimeOffset>(1);
            reviews.Add(new ReviewStamp(reader.GetString(0), updatedAt));
        }

        return reviews;
    }

    private static string Needing(string stream) =>
        $"SELECT review_id, updated_at FROM acc.reviews {Where(stream)} ORDER BY review_id LIMIT @limit";

    private static string Counting(string stream) => $"SELECT count(*) FROM acc.reviews {Where(stream)}";

    private static string Where(string stream) =>
        string.Format(System.Globalization.CultureInfo.InvariantCulture, NeedingWhere, ReviewChildTables.SyncedFor(stream), ReviewChildTables.VisitedRun(stream));
}
