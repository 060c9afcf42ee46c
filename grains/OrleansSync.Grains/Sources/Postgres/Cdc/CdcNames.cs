using System.Security.Cryptography;
using System.Text;

namespace OrleansSync.Sources.Postgres.Cdc;

/// <summary>
/// The publication and the logical replication slot that capture one table of one project, both named
/// <c>orleanssync_&lt;project&gt;_&lt;hash&gt;</c>: the project id in lower case (other characters as '_', cut to 30),
/// and 8 hex digits of a hash of the project id and the table, so names stay within PostgreSQL's 63 bytes, hold only
/// the characters a slot name may (lower-case letters, digits, '_'), and differ between tables and projects.
/// </summary>
public sealed record class CdcNames(string Slot)
{
    private const string Prefix = "orleanssync_";
    private const int ProjectChars = 30;

    /// <summary>The publication has the slot's name: one of each per captured table.</summary>
    public string Publication => Slot;

    public static CdcNames For(string projectId, TableName table)
    {
        var name = new StringBuilder(Prefix);
        foreach (var c in projectId.ToLowerInvariant().Take(ProjectChars))
        {
            name.Append(c is (>= 'a' and <= 'z') or (>= '0' and <= '9') ? c : '_');
        }

        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"{projectId}\n{table}"));
        name.Append('_').Append(Convert.ToHexStringLower(hash, 0, 4));
        return new CdcNames(name.ToString());
    }

    /// <summary>Every table's names of a project.</summary>
    public static IEnumerable<(TableName Table, CdcNames Names)> Of(string projectId, IEnumerable<string> streams) =>
        streams.Select(s => TableName.Parse(s, "--tables")).Select(t => (t, For(projectId, t)));
}
