namespace OrleansSync.Progress;

/// <summary>Section <c>OrleansSync:Progress</c>: how stale running progress in PostgreSQL may be.</summary>
public sealed class ProgressWriterOptions
{
    public const string Section = "OrleansSync:Progress";

    /// <summary>Buffered reports that force a write.</summary>
    public int FlushEvery { get; set; } = 50;

    /// <summary>The longest a running report waits in the buffer.</summary>
    public TimeSpan FlushInterval { get; set; } = TimeSpan.FromSeconds(2);
}
