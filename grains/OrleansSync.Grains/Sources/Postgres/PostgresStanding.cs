using Npgsql;
using OrleansSync.Mirror;
using OrleansSync.Projects;
using OrleansSync.Sources.Postgres.Cdc;
using OrleansSync.Sources.Postgres.Cursor;

namespace OrleansSync.Sources.Postgres;

/// <summary>
/// A PostgreSQL source's tables as <c>project show</c> gives them: each mirror's rows (counted, or PostgreSQL's
/// estimate when counting takes longer than <see cref="CountLimit"/>) and where its checkpoint is, in the mode's words.
/// </summary>
internal static class PostgresStanding
{
    /// <summary>How long a count may take before the estimate stands in: a show must not scan a huge table.</summary>
    private const string CountLimit = "2s";

    private const string EstimateSql = "SELECT GREATEST(reltuples, 0)::bigint FROM pg_class WHERE oid = to_regclass(@mirror)";

    public static async Task<IReadOnlyList<StreamStanding>> ReadAsync(NpgsqlDataSource target, ProjectSpec spec, CancellationToken cancellationToken)
    {
        var standing = new List<StreamStanding>();
        var projectId = ProjectIds.Normalize(spec.ProjectId);
        foreach (var stream in spec.Streams)
        {
            var mirror = MirrorTable.Of(spec.TargetSchema!, TableName.Parse(stream, "the project's tables"));
            var (rows, estimated) = await CountAsync(target, mirror, cancellationToken);
            var checkpoint = await CheckpointTable.ReadAsync(target, projectId, stream, scope: "", cancellationToken);
            standing.Add(new StreamStanding(stream, mirror.ToString(), rows, estimated, checkpoint is null ? "not started" : Describe(spec.Mode, checkpoint.CursorJson)));
        }

        return standing;
    }

    /// <summary>Where a checkpoint of <paramref name="mode"/> is, for a reader; the raw cursor when it is of another shape.</summary>
    internal static string Describe(string? mode, string cursorJson)
    {
        try
        {
            return mode switch
            {
                PostgresModes.Cdc when CdcCursor.FromJson(cursorJson) is { } cdc => cdc.IsStreaming
                    ? $"streaming: applied up to LSN {cdc.Lsn}"
                    : $"initial copy {Key(cdc.After)}, consistent with LSN {cdc.Lsn}",
                PostgresModes.Cursor when CursorPosition.FromJson(cursorJson) is { Column: { } column } cursor => $"{column} and key past {Key(cursor.After)}",
                PostgresModes.Snapshot when SnapshotCursor.FromJson(cursorJson) is { } snapshot => snapshot.Done ? "snapshot done" : $"snapshot {Key(snapshot.After)}",
                _ => cursorJson,
            };
        }
        catch (System.Text.Json.JsonException)
        {
            return cursorJson;
        }
    }

    private static string Key(IReadOnlyList<string>? after) => after is { Count: > 0 } ? $"after ({string.Join(", ", after)})" : "from the start";

    private static async Task<(long? Rows, bool Estimated)> CountAsync(NpgsqlDataSource target, TableName mirror, CancellationToken cancellationToken)
    {
        await using var connection = await target.OpenConnectionAsync(cancellationToken);
        await using (var exists = new NpgsqlCommand("SELECT to_regclass(@mirror) IS NOT NULL", connection))
        {
            exists.Parameters.AddWithValue("mirror", mirror.Sql);
            if (!(bool)(await exists.ExecuteScalarAsync(cancellationToken))!)
            {
                return (null, false);
            }
        }

        try
        {
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            await using (var limit = new NpgsqlCommand($"SET LOCAL statement_timeout = '{CountLimit}'", connection, transaction))
            {
                await limit.ExecuteNonQueryAsync(cancellationToken);
            }

            // The mirror's name is ours (its schema validated at project add, its table the source's, quoted).
            await using var count = new NpgsqlCommand($"SELECT count(*) FROM {mirror.Sql}", connection, transaction);
            return ((long)(await count.ExecuteScalarAsync(cancellationToken))!, false);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.QueryCanceled && !cancellationToken.IsCancellationRequested)
        {
            await using var estimate = new NpgsqlCommand(EstimateSql, connection);
            estimate.Parameters.AddWithValue("mirror", mirror.Sql);
            return ((long)(await estimate.ExecuteScalarAsync(cancellationToken))!, true);
        }
    }
}
