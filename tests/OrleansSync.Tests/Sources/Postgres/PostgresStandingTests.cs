using OrleansSync.Sources.Postgres;

namespace OrleansSync.Tests.Sources.Postgres;

/// <summary>How <c>project show</c> words a table's checkpoint in each mode, from the cursor the mode stores.</summary>
public sealed class PostgresStandingTests
{
    [Theory]
    [InlineData("snapshot", """{"after":null,"done":true}""", "snapshot done")]
    [InlineData("snapshot", """{"after":["41","x"],"done":false}""", "snapshot after (41, x)")]
    [InlineData("cursor", """{"column":"updated_at","after":["2026-12-07 10:00:00+00","7"]}""", "updated_at and key past after (2026-12-07 10:00:00+00, 7)")]
    [InlineData("cdc", """{"phase":"stream","lsn":"0/1A2B3C"}""", "streaming: applied up to LSN 0/1A2B3C")]
    [InlineData("cdc", """{"phase":"snapshot","lsn":"0/16","after":["9"]}""", "initial copy after (9), consistent with LSN 0/16")]
    [InlineData("cdc", """{"after":["9"],"done":false}""", """{"after":["9"],"done":false}""")]
    [InlineData("snapshot", "not json", "not json")]
    public void Describe_EachModesCursor_SaysWhereTheTableIs(string mode, string cursor, string expected) =>
        Assert.Equal(expected, PostgresStanding.Describe(mode, cursor));
}
