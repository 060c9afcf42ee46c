using Npgsql;
using OrleansSync.Mirror;

namespace OrleansSync.Sources.Acc.Mirror;

/// <summary>Finds the reviews whose children (versions or progress) a run should fetch.</summary>
internal static class ReviewChildQueries
{
    // {0} the stream's marker column on acc.reviews. A review without updatedAt is -infinity: once synced, it stays so.
    private const string NeedingWhere = """
        WHERE project_id = @project_id
            AND (@after_review_id IS NULL OR review_id > @after_review_id)
            AND (@all OR {0} IS NULL OR {0} < COALESCE(updated_at, '-infinity'::timestamptz))
        """;

    private static readonly string VersionsSql = Needing("versions_synced_for");

    private static readonly string ProgressSql = Needing("progress_synced_for");

    private static readonly string CountVersionsSql = Counting("versions_synced_for");

    private static readonly string CountProgressSql = Counting("progress_synced_for");

    /// <summary>How many reviews after <paramref name="afterReviewId"/> need their children fetched: the run's remaining work.</summary>
    public static async Task<long> CountNeedingChildrenAsync(
        NpgsqlDataSource dataSource, string projectId, string stream, bool all, string? afterReviewId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(stream == StreamNames.ReviewVersions ? CountVersionsSql : CountProgressSql);
        command.Parameters.Add(SqlParameters.Text("project_id", projectId));
        command.Parameters.Add(SqlParameters.Text("after_review_id", afterReviewId));
        command.Parameters.Add(SqlParameters.Boolean("all", all));
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    public static async Task<IReadOnlyList<ReviewStamp>> NeedingChildrenAsync(
        NpgsqlDataSource dataSource, string projectId, string stream, bool all, string? afterReviewId, int limit, CancellationToken cancellationToken)
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
        command.Parameters.Add(SqlParameters.Boolean("all", all));
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

    private static string Needing(string marker) =>
        $"SELECT review_id, updated_at FROM acc.reviews {Where(marker)} ORDER BY review_id LIMIT @limit";

    private static string Counting(string marker) => $"SELECT count(*) FROM acc.reviews {Where(marker)}";

    private static string Where(string marker) => string.Format(System.Globalization.CultureInfo.InvariantCulture, NeedingWhere, marker);
}
