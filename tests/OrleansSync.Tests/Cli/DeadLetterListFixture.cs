using System.Security.Cryptography;
using System.Text;
using OrleansSync.Tests.Infrastructure;

namespace OrleansSync.Tests.Cli;

/// <summary>A migrated throw-away database with a few dead letters, shared by the <c>deadletter list</c> tests that only read it.</summary>
public sealed class DeadLetterListFixture : IAsyncLifetime
{
    public static readonly DateTimeOffset Base = new(2025, 3, 1, 8, 0, 0, TimeSpan.Zero);

    private TestDatabase? _database;

    /// <summary>The seeded rows, newest (by last seen) first.</summary>
    public static IReadOnlyList<Letter> Letters { get; } =
    [
        new("p-one", "review_versions", "urn:v-1", "name: expected a string or null, got a number", 3, Base, Base.AddHours(3), "t-versions-1", """{"urn":"urn:v-1","name":7}"""),
        new("p-two", "reviews", null, "id: missing", 1, Base.AddHours(2), Base.AddHours(2), "t-reviews-2", """{"sequenceId":4}"""),
        new("p-one", "reviews", "r-1", "sequenceId: expected an integer or null, got a string; " + new string('x', 80), 1, Base, Base.AddHours(1), "t-reviews-1", """{"id":"r-1","sequenceId":"4"}"""),
        new("p-one", "workflows", "w-1", "record: expected a JSON object, got an array", 2, Base, Base, null, """["w-1"]"""),
    ];

    /// <summary>A dead letter whose record landed later: listed only with <c>--resolved</c>. Last seen before every open one.</summary>
    public static Letter Resolved { get; } =
        new("p-one", "reviews", "r-2", "status: expected a string, got a number", 1, Base.AddHours(-2), Base.AddHours(-1), "t-reviews-1", """{"id":"r-2","status":7}""");

    /// <summary>When <see cref="Resolved"/> was resolved.</summary>
    public static DateTimeOffset ResolvedAt { get; } = Base.AddHours(5);

    public TestDatabase Database => _database ?? throw new InvalidOperationException("The fixture has not started.");

    public Dictionary<string, string> Environment => new() { ["ORLEANSSYNC_PG"] = Database.ConnectionString };

    public async ValueTask InitializeAsync()
    {
        var ct = TestContext.Current.CancellationToken;
        _database = await TestDatabase.CreateAsync(migrate: true, ct);
        // Neither insertion (heap) order nor id order is last-seen order: only the query's ORDER BY gives it.
        foreach (var letter in new[] { 2, 0, 3, 1 }.Select(static i => Letters[i]).Append(Resolved))
        {
            await using var insert = _database.DataSource.CreateCommand("""
                INSERT INTO sync.dead_letters
                    (project_id, stream, task_id, record_key, raw, raw_sha256, reason, occurrences, first_seen_at, last_seen_at, resolved_at)
                VALUES (@project_id, @stream, @task_id, @record_key, @raw, @raw_sha256, @reason, @occurrences, @first_seen_at, @last_seen_at, @resolved_at)
                """);
            insert.Parameters.AddWithValue("resolved_at", letter == Resolved ? ResolvedAt : DBNull.Value);
            insert.Parameters.AddWithValue("project_id", letter.ProjectId);
            insert.Parameters.AddWithValue("stream", letter.Stream);
            insert.Parameters.AddWithValue("task_id", (object?)letter.TaskId ?? DBNull.Value);
            insert.Parameters.AddWithValue("record_key", (object?)letter.RecordKey ?? DBNull.Value);
            insert.Parameters.AddWithValue("raw", letter.Raw);
            insert.Parameters.AddWithValue("raw_sha256", Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(letter.Raw))));
            insert.Parameters.AddWithValue("reason", letter.Reason);
            insert.Parameters.AddWithValue("occurrences", letter.Occurrences);
            insert.Parameters.AddWithValue("first_seen_at", letter.FirstSeenAt);
            insert.Parameters.AddWithValue("last_seen_at", letter.LastSeenAt);
            await insert.ExecuteNonQueryAsync(ct);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_database is not null)
        {
            await _database.DisposeAsync();
        }
    }

    public sealed record class Letter(
        string ProjectId, string Stream, string? RecordKey, string Reason, int Occurrences, DateTimeOffset FirstSeenAt, DateTimeOffset LastSeenAt, string? TaskId, string Raw);
}
