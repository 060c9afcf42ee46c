namespace OrleansSync.Projects;

/// <summary>
/// A sync the project would not start although the request was well formed: its circuit breaker is open after
/// failed runs. The message says why and when the next probe is; the CLI exits 1 with it.
/// </summary>
[GenerateSerializer, Alias("OrleansSync.Projects.SyncRefusedException")]
public sealed class SyncRefusedException : Exception
{
    public SyncRefusedException()
    {
    }

    public SyncRefusedException(string message)
        : base(message)
    {
    }

    public SyncRefusedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
