using System.Text;
using System.Text.RegularExpressions;

namespace OrleansSync.Sources.Postgres;

/// <summary>The schema of the cluster's database a PostgreSQL source's tables land in (<c>--target-schema</c>).</summary>
public static partial class TargetSchema
{
    /// <summary>Schemas that hold the cluster's own tables (Orleans' in public), which no mirror may write into.</summary>
    private static readonly string[] Reserved = ["public", "sync", "acc", "information_schema"];

    /// <summary>The schema asked for, or one derived from the project id: <c>mirror_</c> and the id in lower case, other characters as '_'.</summary>
    /// <exception cref="InvalidRequestException">Not a plain identifier, or one of the cluster's own schemas.</exception>
    public static string Normalise(string? schema, string projectId)
    {
        if (string.IsNullOrEmpty(schema))
        {
            var derived = new StringBuilder("mirror_");
            foreach (var c in projectId.ToLowerInvariant())
            {
                derived.Append(c is (>= 'a' and <= 'z') or (>= '0' and <= '9') ? c : '_');
            }

            return derived.ToString()[..Math.Min(derived.Length, SqlIdentifier.MaxBytes)];
        }

        if (!Plain().IsMatch(schema))
        {
            throw new InvalidRequestException(
                $"--target-schema '{schema}' is not a plain schema name: give lower-case letters, digits and '_' (at most {SqlIdentifier.MaxBytes}, not starting with a digit), e.g. mirror_sales.");
        }

        if (Reserved.Contains(schema) || schema.StartsWith("pg_", StringComparison.Ordinal))
        {
            throw new InvalidRequestException(
                $"--target-schema {schema} holds the cluster's own tables (or PostgreSQL's): give a schema of the mirror's own, e.g. mirror_sales.");
        }

        return schema;
    }

    [GeneratedRegex("^[a-z_][a-z0-9_]{0,62}$")]
    private static partial Regex Plain();
}
