namespace OrleansSync.Acc;

/// <summary>Any failure of the ACC connector that it could name; messages never carry secrets or tokens.</summary>
public abstract class AccException : Exception
{
    protected AccException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }

    /// <summary>Whether trying the same call later may succeed (upstream down or throttled), as opposed to a request upstream refuses.</summary>
    public abstract bool IsTransient { get; }
}
