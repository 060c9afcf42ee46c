using OrleansSync.Tests.Infrastructure;

namespace OrleansSync.Tests.Sources.Postgres;

/// <summary>One in-process silo reading PostgreSQL sources in chunks of <see cref="ChunkRows"/> rows, so a small table takes several chunks.</summary>
public sealed class PostgresSourceFixture : ClusterFixture
{
    public const int ChunkRows = 4;

    protected override short Silos => 1;

    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["OrleansSync:Postgres:ChunkRows"] = ChunkRows.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["OrleansSync:Tasks:RetryBaseDelay"] = "00:00:00.200",
        ["OrleansSync:Tasks:RetryMaxDelay"] = "00:00:01",
        ["OrleansSync:Tasks:Breaker:OpenTime"] = "00:00:01",
        ["OrleansSync:Tasks:Breaker:MaxOpenTime"] = "00:00:02",
    };
}

[CollectionDefinition(Name)]
public sealed class PostgresSourceCollection : ICollectionFixture<PostgresSourceFixture>
{
    public const string Name = "postgres source cluster";
}
