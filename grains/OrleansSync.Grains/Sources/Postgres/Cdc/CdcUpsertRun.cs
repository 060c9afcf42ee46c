using Npgsql;
using NpgsqlTypes;

namespace OrleansSync.Sources.Postgres.Cdc;

/// <summary>
/// Consecutive upserts of a batch (inserts, and updates that keep their key) sending the same columns, each key once:
/// one statement for them all, the values of each column as one text array, unnested and cast by the column's type.
/// Within a run no two rows share a key, so the order the statement meets them in does not matter, and what it leaves
/// is what the upserts one after another would; a key met again starts the next run. A key move's upsert is a run of one.
/// </summary>
internal sealed class CdcUpsertRun(TableShape source, int[] key, bool[]? unchanged)
{
    private readonly List<string?[]> _rows = [];
    private readonly HashSet<string?[]> _keys = new(KeyComparer.Instance);

    public int Count => _rows.Count;

    /// <summary>Whether a row sending these columns may join the run (its key not yet in it); adds it when so.</summary>
    public bool TryAdd(string?[] row, bool[]? rowUnchanged)
    {
        if (!SameColumns(unchanged, rowUnchanged) || !_keys.Add([.. key.Select(i => row[i])]))
        {
            return false;
        }

        _rows.Add(row);
        return true;
    }

    public NpgsqlBatchCommand Command(string mirror)
    {
        var columns = Enumerable.Range(0, source.Columns.Count).Where(i => unchanged is null || !unchanged[i]).ToList();
        var command = new NpgsqlBatchCommand();
        foreach (var i in columns)
        {
            command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text, Value = _rows.Select(r => r[i]).ToArray() });
        }

        var others = columns.Where(i => !key.Contains(i)).Select(i => source.Columns[i].Sql()).ToList();
        var onConflict = others.Count == 0 ? "DO NOTHING" : $"DO UPDATE SET {string.Join(", ", others.Select(static c => $"{c} = excluded.{c}"))}";
        var arrays = string.Join(", ", columns.Select((_, j) => $"${j + 1}::text[]"));
        var values = string.Join(", ", columns.Select((i, j) => $"v{j}::{source.Columns[i].Type}"));
        command.CommandText =
            $"INSERT INTO {mirror} ({string.Join(", ", columns.Select(i => source.Columns[i].Sql()))}) " +
            $"SELECT {values} FROM unnest({arrays}) AS u({string.Join(", ", columns.Select((_, j) => $"v{j}"))}) ON CONFLICT ({source.KeyList()}) {onConflict}";
        return command;
    }

    private static bool SameColumns(bool[]? a, bool[]? b) =>
        (a is null || !a.Contains(true)) && (b is null || !b.Contains(true)) || (a is not null && b is not null && a.SequenceEqual(b));

    private sealed class KeyComparer : IEqualityComparer<string?[]>
    {
        public static readonly KeyComparer Instance = new();

        public bool Equals(string?[]? x, string?[]? y) => x is not null && y is not null && x.SequenceEqual(y);

        public int GetHashCode(string?[] key)
        {
            var hash = new HashCode();
            foreach (var value in key)
            {
                hash.Add(value);
            }

            return hash.ToHashCode();
        }
    }
}
