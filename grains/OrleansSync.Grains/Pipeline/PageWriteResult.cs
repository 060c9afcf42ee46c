namespace OrleansSync.Pipeline;

/// <summary>What landing one page did to its mirror table.</summary>
/// <param name="Inserted">Records new to the mirror.</param>
/// <param name="Updated">Records that changed a mirror row.</param>
/// <param name="Unchanged">Records equal to (or older than) the mirror's row.</param>
/// <param name="DeadLettered">Records sent to <c>sync.dead_letters</c>.</param>
/// <param name="Deleted">Mirror rows the page's merge deleted because the source no longer has them (not records read: not in <see cref="Total"/>).</param>
public sealed record class PageWriteResult(int Inserted, int Updated, int Unchanged, int DeadLettered, int Deleted = 0)
{
    public static PageWriteResult Empty { get; } = new(0, 0, 0, 0);

    public int Total => Inserted + Updated + Unchanged + DeadLettered;

    public static PageWriteResult operator +(PageWriteResult a, PageWriteResult b) =>
        new(a.Inserted + b.Inserted, a.Updated + b.Updated, a.Unchanged + b.Unchanged, a.DeadLettered + b.DeadLettered, a.Deleted + b.Deleted);
}
