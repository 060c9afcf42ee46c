namespace OrleansSync.Pipeline;

/// <summary>What landing one page did to its mirror table.</summary>
public sealed record class PageWriteResult(int Inserted, int Updated, int Unchanged, int DeadLettered)
{
    public static PageWriteResult Empty { get; } = new(0, 0, 0, 0);

    public int Total => Inserted + Updated + Unchanged + DeadLettered;

    public static PageWriteResult operator +(PageWriteResult a, PageWriteResult b) =>
        new(a.Inserted + b.Inserted, a.Updated + b.Updated, a.Unchanged + b.Unchanged, a.DeadLettered + b.DeadLettered);
}
