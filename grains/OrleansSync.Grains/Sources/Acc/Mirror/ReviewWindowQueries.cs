using Npgsql;
using OrleansSync.Mirror;

namespace OrleansSync.Sources.Acc.Mirror;

/// <summary>The mirrored reviews of a project whose updatedAt falls in a window: a backfill day's reviews.</summary>
internal static class ReviewWindowQueries
{
    private const string PageSql = """
        SELECT review_id, updated_at FROM acc.reviews
        WHERE project_id = @project_id AND updated_at >= @from AND updated_at < @until
            AND (@after_review_id IS NULL OR review_id > @after_review_id)
        ORDER BY review_id
        LIMIT @limit
        """;

    private const string CountSql = """
        SELECT count(*) FROM acc.reviews WHERE project_id = @project_id AND updated_at >= @from AND updated_at < @until
        """;

    /// <summary>Up to <paramref name="limit"/> of them after <paramref name="afterReviewId"/>, by id (keyset paging).</summary>
    public static async Task<IReadOnlyList<ReviewStamp>> PageAsync(
        NpgsqlDataSource dataSource, string projectId, DateTimeOffset from, DateTimeOffset until, string? afterReviewId, int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        await using var command = Command(dataSource, PageSql, projectId, from, until);
        command.Parameters.Add(SqlParameters.Text("after_review_id", afterReviewId));
        command.Parameters.Add(SqlParameters.Integer("limit", limit));
        var reviews = new List<ReviewStamp>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            reviews.Add(new ReviewStamp(reader.GetString(0), reader.GetFieldValue<DateTimeOffset>(1)));
        }

        return reviews;
    }

    public static async Task<long> CountAsync(NpgsqlDataSource dataSource, string projectId, DateTimeOffset from, DateTimeOffset until, CancellationToken cancellationToken)
    {
        await using var command = Command(dataSource, CountSql, projectId, from, until);
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    private static NpgsqlCommand Command(NpgsqlDataSource dataSource, string sql, string projectId, DateTimeOffset from, DateTimeOffset until)
    {
        var command = dataSource.CreateCommand(sql);
        command.Parameters.Add(SqlParameters.Text("project_id", ProjectIds.Normalize(projectId)));
        command.Parameters.Add(SqlParameters.Timestamp("from", from));
        command.Parameters.Add(SqlParameters.Timestamp("until", until));
        return command;
    }
}
