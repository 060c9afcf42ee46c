namespace OrleansSync.Sources;

/// <summary>
/// Reads one stream of one project from its source and lands it, page by page, each page in one transaction with
/// its checkpoint, yielding each landed page to the task. A plain service the task grain calls: it resumes from the
/// stream's checkpoint on every call. Each source kind has its own (<see cref="ISourceKind.Runner"/>).
/// </summary>
public interface IStreamRunner
{
    string Stream { get; }

    IAsyncEnumerable<PageLanded> RunAsync(StreamRun run, CancellationToken cancellationToken);
}
