using System.Text.Json;
using OrleansSync.Tests.Infrastructure;

namespace OrleansSync.Tests.Sources.Postgres.Cdc;

/// <summary>What a test reads to follow a capture: its checkpoint in the cluster's database, its slot on the source.</summary>
internal static class CdcProbe
{
    /// <summary>The capture's cursor (<c>{"phase":…,"lsn":…}</c>) of <paramref name="stream"/>, or null before its first checkpoint.</summary>
    public static async Task<JsonElement?> CursorAsync(TestDatabase cluster, string project, string stream, CancellationToken ct) =>
        (await cluster.ListAsync(
            "SELECT cursor::text FROM sync.checkpoints WHERE project_id = @p AND stream = @s",
            static r => JsonDocument.Parse(r.GetString(0)).RootElement,
            ct,
            ("p", project),
            ("s", stream))).Cast<JsonElement?>().SingleOrDefault();

    /// <summary>The task of each stream (table) in <c>sync --json</c>'s answer.</summary>
    public static Dictionary<string, string> TaskIds(string syncJson)
    {
        using var document = JsonDocument.Parse(syncJson);
        return document.RootElement.GetProperty("run").GetProperty("tasks").EnumerateArray()
            .ToDictionary(static t => t.GetProperty("stream").GetString()!, static t => t.GetProperty("taskId").GetString()!);
    }

    public static async Task<bool> StreamingAsync(TestDatabase cluster, string project, string stream, CancellationToken ct) =>
        await CursorAsync(cluster, project, stream, ct) is { } cursor && cursor.GetProperty("phase").GetString() == "stream";

    /// <summary>Whether the mirror holds exactly the source's rows (each row as PostgreSQL prints it).</summary>
    public static async Task<bool> MirroredAsync(TestDatabase cluster, SourceDatabase source, string targetSchema, string table, CancellationToken ct)
    {
        var mirrorRows = await cluster.ListAsync(
            $"SELECT r::text FROM \"{targetSchema}\".\"{table}\" AS r ORDER BY 1", static r => r.GetString(0), ct);
        return (await SourceDatabase.RowsAsync(source.Database, $"public.\"{table}\"", ct)).SequenceEqual(mirrorRows);
    }

    /// <summary>The replication slots and publications on the source whose names start with <c>orleanssync_</c> and the project's id.</summary>
    public static Task<List<string>> SlotsAndPublicationsAsync(SourceDatabase source, string project, CancellationToken ct) =>
        source.Database.ListAsync(
            """
            SELECT 'slot ' || slot_name FROM pg_replication_slots WHERE slot_name LIKE @prefix
            UNION ALL SELECT 'publication ' || pubname FROM pg_publication WHERE pubname LIKE @prefix
            ORDER BY 1
            """,
            static r => r.GetString(0),
            ct,
            ("prefix", $"orleanssync\\_{project}\\_%"));

    /// <summary>
    /// Whether the slot's confirmed position is at or behind the checkpoint's. The slot is read first: both only move
    /// forward, the checkpoint first, so a slot read earlier is never ahead of a checkpoint read later unless the
    /// slot ran ahead of the mirror.
    /// </summary>
    public static async Task<bool> SlotNotAheadAsync(TestDatabase cluster, SourceDatabase source, string project, string stream, CancellationToken ct)
    {
        var confirmed = (await source.Database.ListAsync(
            "SELECT confirmed_flush_lsn::text FROM pg_replication_slots WHERE slot_name LIKE @prefix",
            static r => r.GetString(0),
            ct,
            ("prefix", $"orleanssync\\_{project}\\_%"))).Single();
        var checkpoint = (await CursorAsync(cluster, project, stream, ct))!.Value.GetProperty("lsn").GetString()!;
        return NpgsqlTypes.NpgsqlLogSequenceNumber.Parse(confirmed) <= NpgsqlTypes.NpgsqlLogSequenceNumber.Parse(checkpoint);
    }
}
