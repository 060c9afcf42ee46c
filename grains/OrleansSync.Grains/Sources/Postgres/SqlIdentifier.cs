using System.Text;

namespace OrleansSync.Sources.Postgres;

/// <summary>
/// PostgreSQL identifiers as SQL text. Every name we put in a statement (schemas, tables, columns) goes through
/// <see cref="Quote"/>: always double-quoted, so mixed case, spaces and keywords are taken literally and nothing in a
/// name can end the identifier.
/// </summary>
public static class SqlIdentifier
{
    /// <summary>PostgreSQL's NAMEDATALEN - 1: a longer identifier is silently truncated by the server, so we refuse it.</summary>
    public const int MaxBytes = 63;

    public static string Quote(string name)
    {
        if (name.Contains('\0', StringComparison.Ordinal))
        {
            throw new ArgumentException("An identifier cannot hold a NUL character.", nameof(name));
        }

        return "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
    }

    /// <summary>The name as a user writes it: bare when PostgreSQL would read it back unchanged (lower case, no specials), quoted otherwise.</summary>
    public static string Display(string name) => IsPlain(name) ? name : Quote(name);

    /// <summary>A lower-case identifier that needs no quotes: letters, digits, '_' and '$', not starting with a digit or '$'.</summary>
    public static bool IsPlain(string name) =>
        name.Length > 0
        && name[0] is (>= 'a' and <= 'z') or '_'
        && name.All(static c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '_' or '$');

    public static bool FitsLength(string name) => Encoding.UTF8.GetByteCount(name) <= MaxBytes;
}
