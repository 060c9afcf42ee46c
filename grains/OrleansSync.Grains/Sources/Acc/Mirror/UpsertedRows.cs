using Npgsql;
using OrleansSync.Pipeline;

namespace OrleansSync.Sources.Acc.Mirror;

/// <summary>
/// What an <c>INSERT ... ON CONFLICT DO UPDATE ... WHERE</c> returned: one row per record it inserted or updated,
/// as <c>(key, updated_at, inserted)</c>. A record it left alone (equal, or older than the stored one) returns nothing.
/// </summary>
internal sealed record class UpsertedRows(int Inserted, int Updated, IReadOnlyList<ReviewStamp> Changed)
{
    public static UpsertedRows None { get; } = new(0, 0, []);

    public static async Task<UpsertedRows> ReadAsync(NpgsqlDataReader reader, CancellationToken cancellationToken)
    {
        var inserted = 0;
        var changed = new List<ReviewStamp>();
        while (await reader.ReadAsync(cancellationToken))
        {
            var updatedAt = await reader.IsDBNullAsync(1, cancellationToken)
                ? ReviewStamp.NoUpdatedAt
                : reader.GetFieldValue<DateTimeOffset>(1);
            changed.Add(new ReviewStamp(reader.GetString(0), updatedAt));
            inserted += reader.GetBoolean(2) ? 1 : 0;
        }

        return new UpsertedRows(inserted, changed.Count - inserted, changed);
    }

    /// <summary>The page's counts: records neither inserted nor updated were equal to, or older than, what is stored.</summary>
    public PageWriteResult ToResult(int valid, int deadLettered) =>
        new(Inserted, Updated, valid - Inserted - Updated, deadLettered);
}
