using System.Text.Json;
using System.Text.Json.Nodes;
using Npgsql;
using NpgsqlTypes;
using OrleansSync.Emulator;
using OrleansSync.Tests.Infrastructure;

namespace OrleansSync.Tests.Sync;

/// <summary>
/// Compares a project's mirror with the emulator's dump, inside PostgreSQL (jsonb equality): every well-formed record
/// present with its raw JSON, nothing extra. Malformed records are expected in sync.dead_letters instead.
/// </summary>
public static class MirrorComparison
{
    public sealed record class Differences(int Reviews, int Workflows, int Versions, int Progress, int ExpectedReviews, int ExpectedDeadLetters)
    {
        public bool None => Reviews == 0 && Workflows == 0 && Versions == 0 && Progress == 0;

        /// <summary>Up to three differing reviews: id, the mirror's updatedAt, upstream's (a missing side is null).</summary>
        public string? ReviewSample { get; init; }
    }

    public static async Task<Differences> CompareAsync(TestDatabase database, AccEmulator emulator, string projectId, CancellationToken ct, Func<JsonNode, bool>? includeReview = null)
    {
        var dump = JsonNode.Parse(await emulator.DumpAsync(projectId, ct))!;
        var project = dump["projects"]!.AsArray().Single()!;
        var malformed = dump["malformed"]!.AsArray().Select(static m => (string)m!["reviewId"]!).ToHashSet(StringComparer.Ordinal);
        var reviews = new JsonArray();
        var versions = new JsonArray();
        var progress = new JsonArray();
        foreach (var review in project["reviews"]!.AsArray())
        {
            var id = (string)review!["id"]!;
            // includeReview: whether the mirror should hold this review (and its children); all when null.
            if (malformed.Contains(id) || includeReview?.Invoke(review["record"]!) == false)
            {
                continue;
            }

            reviews.Add(new JsonObject { ["id"] = id, ["record"] = review["record"]!.DeepClone() });
            foreach (var version in review["versions"]!.AsArray())
            {
                versions.Add(new JsonObject { ["review"] = id, ["key"] = (string)version!["urn"]!, ["record"] = version.DeepClone() });
            }

            var position = 0;
            foreach (var step in review["progress"]!.AsArray())
            {
                progress.Add(new JsonObject { ["review"] = id, ["key"] = (position++).ToString(System.Globalization.CultureInfo.InvariantCulture), ["record"] = step!.DeepClone() });
            }
        }

        var workflows = new JsonArray([.. project["workflows"]!.AsArray().Select(static w => new JsonObject { ["id"] = (string)w!["id"]!, ["record"] = w.DeepClone() })]);
        var reviewsDiffer = await CountAsync(database, "acc.reviews", "m.review_id = e->>'id'", reviews, projectId, ct);
        return new Differences(
            reviewsDiffer,
            await CountAsync(database, "acc.workflows", "m.workflow_id = e->>'id'", workflows, projectId, ct),
            await CountAsync(database, "acc.review_versions", "m.review_id = e->>'review' AND m.urn = e->>'key'", versions, projectId, ct),
            await CountAsync(database, "acc.review_progress", "m.review_id = e->>'review' AND m.position = (e->>'key')::int", progress, projectId, ct),
            reviews.Count,
            malformed.Count)
        {
            ReviewSample = reviewsDiffer == 0 ? null : await ReviewSampleAsync(database, reviews, projectId, ct),
        };
    }

    private static async Task<string> ReviewSampleAsync(TestDatabase database, JsonArray expected, string projectId, CancellationToken ct)
    {
        await using var command = database.DataSource.CreateCommand("""
            SELECT string_agg(line, '; ')
              FROM (SELECT concat_ws(' ', coalesce(m.review_id, e->>'id'), 'mirror', coalesce(m.raw->>'updatedAt', '-'), 'upstream', coalesce(e->'record'->>'updatedAt', '-')) AS line
                      FROM (SELECT * FROM acc.reviews WHERE project_id = @project) m
                      FULL JOIN jsonb_array_elements(@expected) e ON m.review_id = e->>'id'
                     WHERE m.raw IS DISTINCT FROM e->'record'
                     LIMIT 3) d
            """);
        command.Parameters.AddWithValue("project", projectId);
        command.Parameters.Add(new NpgsqlParameter("expected", NpgsqlDbType.Jsonb) { Value = expected.ToJsonString() });
        return (string)(await command.ExecuteScalarAsync(ct))!;
    }

    /// <summary>Rows missing, extra, or whose raw differs from the expected record.</summary>
    private static async Task<int> CountAsync(TestDatabase database, string table, string match, JsonArray expected, string projectId, CancellationToken ct)
    {
        // table and match are constants of this class, never input.
        await using var command = database.DataSource.CreateCommand($"""
            SELECT count(*)
              FROM (SELECT * FROM {table} WHERE project_id = @project) m
              FULL JOIN jsonb_array_elements(@expected) e ON {match}
             WHERE m.raw IS DISTINCT FROM e->'record'
            """);
        command.Parameters.AddWithValue("project", projectId);
        command.Parameters.Add(new NpgsqlParameter("expected", NpgsqlDbType.Jsonb) { Value = expected.ToJsonString() });
        return (int)(long)(await command.ExecuteScalarAsync(ct))!;
    }

    public static Task<long> DeadLettersAsync(TestDatabase database, string projectId, CancellationToken ct) =>
        database.ScalarAsync<long>("SELECT count(*) FROM sync.dead_letters WHERE project_id = @p", ct, ("p", projectId));

    public static string Describe(Differences d) => JsonSerializer.Serialize(d);
}
