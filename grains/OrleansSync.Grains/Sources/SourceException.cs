namespace OrleansSync.Sources;

/// <summary>
/// A failure a source kind's client could name. The kind sorts its own failures; the task only asks whether trying
/// later may help and whether it was flow control. Messages never carry secrets or tokens.
/// </summary>
public abstract class SourceException : Exception
{
    protected SourceException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }

    /// <summary>Whether trying the same read later may succeed (the source down or throttled), as opposed to a request it refuses.</summary>
    public abstract bool IsTransient { get; }

    /// <summary>Whether this is the source's flow control (a 429) rather than a failure: it counts toward no breaker.</summary>
    public virtual bool IsFlowControl => false;
}
