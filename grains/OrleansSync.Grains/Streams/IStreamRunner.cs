namespace OrleansSync.Streams;

/// <summary>
/// Pulls one stream of one project from its source and lands it, page by page, each page in one transaction with
/// its checkpoint. A plain service the task grain calls: it resumes from the stream's checkpoint on every call.
/// </summary>
public interface IStreamRunner
{
    string Stream { get; }

    Task RunAsync(StreamRun run, CancellationToken cancellationToken);
}
