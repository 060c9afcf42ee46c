using System.Text;

namespace OrleansSync.Sources.Postgres;

/// <summary>
/// A table of the source, <c>schema.table</c>, parsed as PostgreSQL reads a qualified name: a bare part is folded to
/// lower case, a double-quoted part is taken as written (<c>""</c> for a quote), so <c>public."Order Items"</c> names
/// a mixed-case table. Its text (<see cref="ToString"/>) is the project's stream name, and parses back to itself.
/// </summary>
public sealed record class TableName(string Schema, string Name)
{
    /// <summary>The qualified name for SQL, both parts quoted.</summary>
    public string Sql => $"{SqlIdentifier.Quote(Schema)}.{SqlIdentifier.Quote(Name)}";

    public override string ToString() => $"{SqlIdentifier.Display(Schema)}.{SqlIdentifier.Display(Name)}";

    /// <exception cref="InvalidRequestException">Not <c>schema.table</c>; the message names <paramref name="where"/>.</exception>
    public static TableName Parse(string text, string where)
    {
        var parts = new List<string>();
        var i = 0;
        while (true)
        {
            parts.Add(ReadPart(text, ref i, where));
            if (i == text.Length)
            {
                break;
            }

            if (text[i] != '.')
            {
                throw Bad(text, where, $"'{text[i]}' at position {i + 1} is neither '.' nor the end");
            }

            i++;
        }

        if (parts.Count != 2)
        {
            throw Bad(text, where, parts.Count == 1 ? "it names no schema" : "it has more than two parts");
        }

        return new TableName(parts[0], parts[1]);
    }

    /// <summary>One name (a column's), read as PostgreSQL reads it: bare folded to lower case, quoted taken as written.</summary>
    /// <exception cref="InvalidRequestException">Not one name; the message names <paramref name="where"/>.</exception>
    public static string ParseColumn(string text, string where)
    {
        var i = 0;
        var name = ReadPart(text, ref i, where, column: true);
        return i == text.Length
            ? name
            : throw Bad(text, where, $"'{text[i]}' at position {i + 1} ends the name early (quote a name with other characters: \"Updated At\")", column: true);
    }

    private static string ReadPart(string text, ref int i, string where, bool column = false)
    {
        if (i < text.Length && text[i] == '"')
        {
            var name = new StringBuilder();
            i++;
            while (true)
            {
                if (i >= text.Length)
                {
                    throw Bad(text, where, "a quoted name is not closed", column);
                }

                if (text[i] == '"')
                {
                    if (i + 1 < text.Length && text[i + 1] == '"')
                    {
                        name.Append('"');
                        i += 2;
                        continue;
                    }

                    i++;
                    break;
                }

                name.Append(text[i++]);
            }

            return Checked(name.ToString(), text, where, column);
        }

        var start = i;
        while (i < text.Length && (char.IsAsciiLetterOrDigit(text[i]) || text[i] is '_' or '$'))
        {
            i++;
        }

        var bare = text[start..i];
        if (bare.Length == 0 || char.IsAsciiDigit(bare[0]) || bare[0] == '$')
        {
            throw Bad(text, where, i < text.Length ? $"'{text[i]}' at position {i + 1} cannot start a name (quote a name with other characters: \"My Table\")" : "a name is missing", column);
        }

        // PostgreSQL folds unquoted names to lower case.
        return Checked(bare.ToLowerInvariant(), text, where, column);
    }

    private static string Checked(string name, string text, string where, bool column)
    {
        if (name.Length == 0)
        {
            throw Bad(text, where, "a quoted name is empty", column);
        }

        if (name.Any(char.IsControl))
        {
            throw Bad(text, where, "a name holds a control character", column);
        }

        return SqlIdentifier.FitsLength(name) ? name : throw Bad(text, where, $"a name is longer than PostgreSQL's {SqlIdentifier.MaxBytes} bytes", column);
    }

    private static InvalidRequestException Bad(string text, string where, string why, bool column = false) => column
        ? new($"'{text}' in {where} is not a column name: {why}. Give the column as SQL names it, quoting mixed-case or special names, e.g. updated_at or \"Updated At\".")
        : new($"'{text}' in {where} is not a table name: {why}. Give schema.table, quoting mixed-case or special names as in SQL, e.g. public.orders or sales.\"Order Items\".");
}
