namespace OrleansSync.Mirror;

/// <summary>One page split into the rows to upsert and the records to dead-letter.</summary>
internal sealed class MappedPage<TRow>
{
    private readonly Dictionary<string, int> _index = new(StringComparer.Ordinal);
    private readonly List<(string Key, DateTimeOffset? UpdatedAt, TRow Row)> _entries = [];
    private IReadOnlyList<TRow>? _rows;

    /// <summary>
    /// The rows, one per identity, ordered by identity: pages written at once then lock their common rows in the
    /// same order, so they wait for each other instead of deadlocking.
    /// </summary>
    public IReadOnlyList<TRow> Rows => _rows ??= [.. _entries.OrderBy(static e => e.Key, StringComparer.Ordinal).Select(static e => e.Row)];

    public List<DeadLetter> DeadLetters { get; } = [];

    /// <summary>Records that passed validation, duplicates within the page included.</summary>
    public int Valid { get; private set; }

    public void Add(string key, DateTimeOffset? updatedAt, TRow row)
    {
        Valid++;
        _rows = null;
        if (_index.TryGetValue(key, out var at))
        {
            // One INSERT ... ON CONFLICT may not touch a row twice, so a page keeps one copy per identity:
            // the newest, the later one on a tie. The other copy counts as unchanged.
            if (Nullable.Compare(updatedAt, _entries[at].UpdatedAt) >= 0)
            {
                _entries[at] = (key, updatedAt, row);
            }

            return;
        }

        _index[key] = _entries.Count;
        _entries.Add((key, updatedAt, row));
    }

    public void Reject(string? key, string raw, string reason) => DeadLetters.Add(new DeadLetter(key, raw, reason));
}
