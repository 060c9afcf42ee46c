using Microsoft.Extensions.Logging.Abstractions;
using OrleansSync.Sources.Acc.Mirror;
using OrleansSync.Tests.Infrastructure;

namespace OrleansSync.Tests.Mirror;

/// <summary>A fresh migrated database and a writer on it, with a clock the test sets.</summary>
internal sealed class MirrorTest : IAsyncDisposable
{
    private MirrorTest(TestDatabase database)
    {
        Database = database;
        Writer = new MirrorWriter(database.DataSource, Clock, NullLogger<MirrorWriter>.Instance);
    }

    public TestDatabase Database { get; }

    public ManualClock Clock { get; } = new(new DateTimeOffset(2025, 3, 4, 5, 6, 7, TimeSpan.Zero));

    public MirrorWriter Writer { get; }

    public static async Task<MirrorTest> CreateAsync(CancellationToken cancellationToken) =>
        new(await TestDatabase.CreateAsync(migrate: true, cancellationToken));

    public Task<long> CountAsync(string table, CancellationToken cancellationToken) =>
        Database.ScalarAsync<long>($"SELECT count(*) FROM {table}", cancellationToken);

    /// <summary>The row's xmin: it changes exactly when the row is rewritten.</summary>
    public async Task<string> XminAsync(string table, string keyColumn, string key, CancellationToken cancellationToken) =>
        await Database.ScalarAsync<string>($"SELECT xmin::text FROM {table} WHERE {keyColumn} = @key", cancellationToken, ("key", key))
            ?? throw new InvalidOperationException($"No row {key} in {table}.");

    /// <summary>Whether the stored raw equals <paramref name="json"/> as jsonb.</summary>
    public async Task<bool> RawEqualsAsync(string table, string keyColumn, string key, string json, CancellationToken cancellationToken) =>
        await Database.ScalarAsync<bool>(
            $"SELECT raw = @json::jsonb FROM {table} WHERE {keyColumn} = @key", cancellationToken, ("key", key), ("json", json));

    public ValueTask DisposeAsync() => Database.DisposeAsync();
}

/// <summary>A clock that moves only when the test says so.</summary>
internal sealed class ManualClock(DateTimeOffset now) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = now;

    public override DateTimeOffset GetUtcNow() => Now;
}
