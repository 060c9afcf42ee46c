using OrleansSync.Tests.Infrastructure;

namespace OrleansSync.Tests.Sources.Postgres.Cdc;

/// <summary>
/// One in-process silo capturing changes from sources on a PostgreSQL server of the fixture's own, with
/// <c>wal_level = logical</c> and a role that may replicate (the shared server's test role may not). Initial copies go
/// in chunks of <see cref="ChunkRows"/> rows, so a small table takes several.
/// </summary>
public class PostgresCdcFixture : ClusterFixture
{
    public const int ChunkRows = 4;

    /// <summary>Small, so a few thousand rows written while a task is paused put it over (OrleansSync:Postgres:Cdc:MaxSlotLag).</summary>
    public const long MaxSlotLag = 65_536;

    private OwnPostgresServer? _server;

    public OwnPostgresServer Server => _server ?? throw new InvalidOperationException("The fixture has not started.");

    protected override short Silos => 1;

    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        // One run slot: a capture's task streams until its run is cancelled, beside the slots, and a test may leave
        // several streaming while other tasks still need the slot (PostgresCdcTests.Captures_…).
        ["OrleansSync:Placement:MaxRunningPerSilo"] = "1",
        ["OrleansSync:Postgres:ChunkRows"] = ChunkRows.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["OrleansSync:Postgres:Cdc:FlushDelay"] = "00:00:00.050",
        ["OrleansSync:Postgres:Cdc:IdleReport"] = "00:00:01",
        ["OrleansSync:Postgres:Cdc:MaxSlotLag"] = MaxSlotLag.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["OrleansSync:Tasks:RetryBaseDelay"] = "00:00:00.200",
        ["OrleansSync:Tasks:RetryMaxDelay"] = "00:00:01",
    };

    public override async ValueTask InitializeAsync()
    {
        _server = await OwnPostgresServer.CreateAsync(TestContext.Current.CancellationToken, new Dictionary<string, string> { ["wal_level"] = "logical" });
        await base.InitializeAsync();
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        // Its source databases go with it: a database with a replication slot cannot be dropped on its own.
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class PostgresCdcCollection : ICollectionFixture<PostgresCdcFixture>
{
    public const string Name = "postgres cdc cluster";
}
