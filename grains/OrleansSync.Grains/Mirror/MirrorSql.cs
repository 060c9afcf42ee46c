namespace OrleansSync.Mirror;

/// <summary>SQL every mirror upsert shares.</summary>
internal static class MirrorSql
{
    /// <summary>
    /// The <c>ON CONFLICT DO UPDATE ... WHERE</c> of every mirror table (alias <c>t</c>): an older record never
    /// overwrites a newer one, and a record equal to the stored one does not rewrite its row (it counts as unchanged).
    /// A record as new as the stored one but different (upstream changed it without moving updatedAt) wins: it was
    /// fetched later. A record without updatedAt never replaces one that has it.
    /// </summary>
    public const string Guard = """
        t.raw IS DISTINCT FROM excluded.raw
            AND (t.updated_at IS NULL OR excluded.updated_at >= t.updated_at)
        """;
}
