using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using OrleansSync.Schema;
using OrleansSync.Tests.Infrastructure;

namespace OrleansSync.Tests.Schema;

public sealed class SchemaMigratorTests
{
    // The keys Orleans 10.4.2's ADO.NET providers refuse to start without.
    public static readonly TheoryData<string> RequiredQueryKeys = new(
        "InsertMembershipVersionKey", "MembershipReadAllKey", "MembershipReadRowKey", "InsertMembershipKey", "UpdateMembershipKey",
        "UpdateIAmAlivetimeKey", "GatewaysQueryKey", "DeleteMembershipTableEntriesKey", "CleanupDefunctSiloEntriesKey",
        "ReadFromStorageKey", "WriteToStorageKey", "ClearStorageKey",
        "UpsertReminderRowKey", "ReadReminderRowsKey", "ReadReminderRowKey", "ReadRangeRows1Key", "ReadRangeRows2Key",
        "DeleteReminderRowKey", "DeleteReminderRowsKey");

    [Fact]
    public async Task Migrate_FreshDatabase_EveryRequiredQueryKeyPresent()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var database = await TestDatabase.CreateAsync(migrate: false, ct);

        var report = await database.MigrateAsync(ct);

        Assert.Equal(Migration.All.Select(static m => m.Id), report.Applied);
        var keys = await database.ListAsync("SELECT querykey FROM orleansquery", static r => r.GetString(0), ct);
        var missing = RequiredQueryKeys.Select(static row => row.Data).Except(keys, StringComparer.Ordinal).ToList();
        Assert.True(missing.Count == 0, $"Missing OrleansQuery keys: {string.Join(", ", missing)}");
        var empty = await database.ScalarAsync<long>("SELECT count(*) FROM orleansquery WHERE btrim(querytext) = ''", ct);
        Assert.Equal(0, empty);
    }

    [Fact]
    public async Task Migrate_Twice_SecondRunAppliesNothing()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var database = await TestDatabase.CreateAsync(migrate: true, ct);
        var appliedAt = await database.ListAsync("SELECT id, applied_at FROM sync.migrations ORDER BY id", static r => (r.GetString(0), r.GetDateTime(1)), ct);

        var second = await database.MigrateAsync(ct);

        Assert.Empty(second.Applied);
        Assert.Equal(Migration.All.Select(static m => m.Id), second.AlreadyApplied);
        Assert.Equal(appliedAt, await database.ListAsync("SELECT id, applied_at FROM sync.migrations ORDER BY id", static r => (r.GetString(0), r.GetDateTime(1)), ct));
    }

    [Fact]
    public async Task Migrate_FourMigratorsAtOnce_EachMigrationAppliedExactlyOnce()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var database = await TestDatabase.CreateAsync(migrate: false, ct);
        // Separate data sources: separate sessions, as four silos starting together would have.
        var sources = Enumerable.Range(0, 4).Select(_ => NpgsqlDataSource.Create(database.ConnectionString)).ToList();
        try
        {
            var reports = await Task.WhenAll(sources.Select(s => new SchemaMigrator(s, NullLogger<SchemaMigrator>.Instance).MigrateAsync(ct)));

            var applied = reports.SelectMany(static r => r.Applied).Order(StringComparer.Ordinal).ToList();
            Assert.Equal(Migration.All.Select(static m => m.Id), applied);
            Assert.All(reports, r => Assert.Equal(Migration.All.Count, r.Applied.Count + r.AlreadyApplied.Count));
        }
        finally
        {
            foreach (var source in sources)
            {
                await source.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task Migrate_FreshDatabase_ProgressHasNullableLagColumns()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var database = await TestDatabase.CreateAsync(migrate: true, ct);

        var columns = await database.ListAsync(
            "SELECT column_name || ' ' || data_type || ' ' || is_nullable FROM information_schema.columns WHERE table_schema = 'sync' AND table_name = 'progress' AND column_name LIKE 'lag\\_%' ORDER BY column_name",
            static r => r.GetString(0),
            ct);

        Assert.Equal(["lag_at timestamp with time zone YES", "lag_bytes bigint YES", "lag_limit bigint YES", "lag_seconds double precision YES"], columns);
    }

    [Fact]
    public async Task Migrate_AppliedMigrationEdited_FailsNamingIt()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var database = await TestDatabase.CreateAsync(migrate: true, ct);
        var victim = Migration.All[^1].Id;
        await database.ScalarAsync<int>("UPDATE sync.migrations SET checksum = 'edited' || checksum WHERE id = @id", ct, ("id", victim));

        var error = await Assert.ThrowsAsync<SchemaMigrationException>(() => database.MigrateAsync(ct));

        Assert.Contains(victim, error.Message, StringComparison.Ordinal);
        Assert.Contains("new numbered migration", error.Message, StringComparison.Ordinal);
    }
}
