using System.Security.Cryptography;
using System.Text;

namespace OrleansSync.Schema;

/// <summary>One numbered SQL file of deploy/sql, embedded in this assembly.</summary>
/// <param name="Id">The file name without extension, e.g. <c>0001_orleans_clustering</c>; ids sort in apply order.</param>
/// <param name="Sql">The script text.</param>
public sealed record class Migration(string Id, string Sql)
{
    private const string ResourcePrefix = "OrleansSync.Schema.sql.";

    /// <summary>A digest of the script, recorded when applied, so an edited migration is caught instead of silently skipped.</summary>
    public string Checksum { get; } = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Sql.ReplaceLineEndings("\n"))));

    /// <summary>All embedded migrations in apply order.</summary>
    public static IReadOnlyList<Migration> All { get; } = Load();

    private static List<Migration> Load()
    {
        var assembly = typeof(Migration).Assembly;
        var migrations = new List<Migration>();
        foreach (var name in assembly.GetManifestResourceNames().Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal)))
        {
            using var stream = assembly.GetManifestResourceStream(name)
                ?? throw new InvalidOperationException($"Embedded migration {name} could not be opened.");
            using var reader = new StreamReader(stream, Encoding.UTF8);
            var id = Path.GetFileNameWithoutExtension(name[ResourcePrefix.Length..]);
            migrations.Add(new Migration(id, reader.ReadToEnd()));
        }

        migrations.Sort((a, b) => string.CompareOrdinal(a.Id, b.Id));
        return migrations;
    }
}
