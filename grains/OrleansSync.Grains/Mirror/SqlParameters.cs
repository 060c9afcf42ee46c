using Npgsql;
using NpgsqlTypes;

namespace OrleansSync.Mirror;

/// <summary>Typed parameters, so unnest(...) of arrays needs no casts and nulls keep their type.</summary>
internal static class SqlParameters
{
    public static NpgsqlParameter Text(string name, string? value) =>
        new(name, NpgsqlDbType.Text) { Value = (object?)value ?? DBNull.Value };

    public static NpgsqlParameter Jsonb(string name, string value) => new(name, NpgsqlDbType.Jsonb) { Value = value };

    public static NpgsqlParameter Integer(string name, int value) => new NpgsqlParameter<int>(name, NpgsqlDbType.Integer) { TypedValue = value };

    public static NpgsqlParameter Bigint(string name, long value) => new NpgsqlParameter<long>(name, NpgsqlDbType.Bigint) { TypedValue = value };

    public static NpgsqlParameter NullableBigint(string name, long? value) =>
        new(name, NpgsqlDbType.Bigint) { Value = value is { } v ? v : DBNull.Value };

    public static NpgsqlParameter Boolean(string name, bool value) => new NpgsqlParameter<bool>(name, NpgsqlDbType.Boolean) { TypedValue = value };

    /// <summary>A timestamptz; Npgsql writes only UTC DateTimeOffsets to it.</summary>
    public static NpgsqlParameter Timestamp(string name, DateTimeOffset? value) =>
        new(name, NpgsqlDbType.TimestampTz) { Value = value is { } v ? v.ToUniversalTime() : DBNull.Value };

    public static NpgsqlParameter TextArray<TRow>(string name, IReadOnlyList<TRow> rows, Func<TRow, string?> select) =>
        Array(name, NpgsqlDbType.Text, rows, select);

    public static NpgsqlParameter JsonbArray<TRow>(string name, IReadOnlyList<TRow> rows, Func<TRow, string> select) =>
        Array(name, NpgsqlDbType.Jsonb, rows, select);

    public static NpgsqlParameter TimestampArray<TRow>(string name, IReadOnlyList<TRow> rows, Func<TRow, DateTimeOffset?> select) =>
        Array(name, NpgsqlDbType.TimestampTz, rows, row => select(row)?.ToUniversalTime());

    public static NpgsqlParameter Array<TRow, TValue>(string name, NpgsqlDbType elementType, IReadOnlyList<TRow> rows, Func<TRow, TValue> select)
    {
        var values = new TValue[rows.Count];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = select(rows[i]);
        }

        return new NpgsqlParameter(name, NpgsqlDbType.Array | elementType) { Value = values };
    }
}
