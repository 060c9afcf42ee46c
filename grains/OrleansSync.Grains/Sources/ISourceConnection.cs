namespace OrleansSync.Sources;

/// <summary>
/// What a source kind needs to read for one run of a task: where, and as whom, with its secrets resolved on this silo.
/// Made by <see cref="ISourceKind.ConnectAsync"/>, held by the task for the run and disposed when it ends; its
/// secrets stay in this silo's memory (never in state, logs or messages).
/// </summary>
public interface ISourceConnection : IAsyncDisposable;
