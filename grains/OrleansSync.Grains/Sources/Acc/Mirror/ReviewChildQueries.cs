using Npgsql;
using OrleansSync.Mirror;

namespace OrleansSync.Sources.Acc.Mirror;

/// <summary>Finds the reviews whose children (versions or progress) a run should fetch.</summary>
internal static class ReviewChildQueries
{
    // {0} the stream's marker column on acc.reviews, {1} the keyset. A review without updatedAt is -infinity: once synced, it stays so.
    private const string NeedingWhere = """
        WHERE project_id = @project_id
            AND {1}
            AND (@all OR {0} IS NULL OR {0} < COALESCE(updated_at, '-infinity'::timestamptz))
        """;

    private static readonly string VersionsSql = Needing("versions_synced_for");

    private static readonly string ProgressSql = Needing("progress_synced_for");

    private static readonly string LandedVersionsSql = Landed("versions_synced_for");

    private static readonly string LandedProgressSql = Landed("progress_synced_for");

    private static readonly string CountLandedVersionsSql = CountLanded("versions_synced_for");

    private static readonly string CountLandedProgressSql = CountLanded("progress_synced_for");

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
        await using var command = dataSource.CreateCommand(ByStream(stream, VersionsSql, ProgressSql));
        command.Parameters.Add(SqlParameters.Text("after_review_id", afterReviewId));
        return await ReadStampsAsync(command, projectId, all, limit, cancellationToken);
    }

    /// <summary>
    /// Up to <paramref name="limit"/> reviews needing their children (all with <paramref name="all"/>) that landed after
    /// landing number <paramref name="afterLanded"/>, in landing order: how a children walk follows the reviews list
    /// while it is read (see <see cref="ReviewTable"/> for why the numbers become visible in order).
    /// </summary>
    public static async Task<IReadOnlyList<ReviewStamp>> LandedNeedingChildrenAsync(
        NpgsqlDataSource dataSource, string projectId, string stream, bool all, long afterLanded, int limit, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(ByStream(stream, LandedVersionsSql, LandedProgressSql));
        command.Parameters.Add(SqlParameters.Bigint("after_landed", afterLanded));
        return await ReadStampsAsync(command, projectId, all, limit, cancellationToken);
    }

    private static string ByStream(string stream, string versions, string progress) => stream switch
    {
        StreamNames.ReviewVersions => versions,
        StreamNames.ReviewProgress => progress,
        _ => throw new ArgumentOutOfRangeException(nameof(stream), stream, "Children are review_versions or review_progress."),
    };

    /// <summary>Runs a query of reviews (review_id, updated_at, and landed_seq when it selects one) with its common parameters.</summary>
    private static async Task<IReadOnlyList<ReviewStamp>> ReadStampsAsync(NpgsqlCommand command, string projectId, bool all, int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        command.Parameters.Add(SqlParameters.Text("project_id", projectId));
        command.Parameters.Add(SqlParameters.Boolean("all", all));
        command.Parameters.Add(SqlParameters.Integer("limit", limit));
        var reviews = new List<ReviewStamp>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var updatedAt = await reader.IsDBNullAsync(1, cancellationToken) ? ReviewStamp.NoUpdatedAt : reader.GetFieldValue<DateTimeOffset>(1);
            reviews.Add(new ReviewStamp(reader.GetString(0), updatedAt, reader.FieldCount > 2 ? reader.GetInt64(2) : null));
        }

        return reviews;
    }

    /// <summary>How many reviews <see cref="LandedNeedingChildrenAsync"/> would return after <paramref name="afterLanded"/> without a limit.</summary>
    public static async Task<long> CountLandedNeedingChildrenAsync(
        NpgsqlDataSource dataSource, string projectId, string stream, bool all, long afterLanded, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(stream == StreamNames.ReviewVersions ? CountLandedVersionsSql : CountLandedProgressSql);
        command.Parameters.Add(SqlParameters.Text("project_id", projectId));
        command.Parameters.Add(SqlParameters.Bigint("after_landed", afterLanded));
        command.Parameters.Add(SqlParameters.Boolean("all", all));
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    private static string Landed(string marker) =>
        $"SELECT review_id, updated_at, landed_seq FROM acc.reviews {LandedWhere(marker)} ORDER BY landed_seq LIMIT @limit";

    private static string CountLanded(string marker) => $"SELECT count(*) FROM acc.reviews {LandedWhere(marker)}";

    private static string LandedWhere(string marker) => Where(marker, "landed_seq > @after_landed");

    private static string Needing(string marker) =>
        $"SELECT review_id, updated_at FROM acc.reviews {Where(marker)} ORDER BY review_id LIMIT @limit";

    private static string Counting(string marker) => $"SELECT count(*) FROM acc.reviews {Where(marker)}";

    private static string Where(string marker, string keyset = "(@after_review_id IS NULL OR review_id > @after_review_id)") =>
        string.Format(System.Globalization.CultureInfo.InvariantCulture, NeedingWhere, marker, keyset);
}
