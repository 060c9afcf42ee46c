namespace OrleansSync.Tests.Infrastructure;

/// <summary>Reads the ADO.NET membership table directly: the ground truth the providers write.</summary>
public static class Membership
{
    /// <summary>Orleans' SiloStatus values as stored in the Status column.</summary>
    public const int Active = 3;
    public const int Dead = 6;

    public sealed record class Row(string Address, int Port, int Generation, string SiloName, int Status, int ProxyPort);

    public static Task<List<Row>> ReadAsync(TestDatabase database, string clusterId, CancellationToken cancellationToken) =>
        database.ListAsync(
            "SELECT address, port, generation, siloname, status, proxyport FROM orleansmembershiptable WHERE deploymentid = @cluster",
            static r => new Row(r.GetString(0), r.GetInt32(1), r.GetInt32(2), r.GetString(3), r.GetInt32(4), r.GetInt32(5)),
            cancellationToken,
            ("cluster", clusterId));
}
