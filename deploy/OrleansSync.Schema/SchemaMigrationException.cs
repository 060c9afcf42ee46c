namespace OrleansSync.Schema;

/// <summary>A migration could not be applied; the message says which and why, without connection secrets.</summary>
public sealed class SchemaMigrationException : Exception
{
    public SchemaMigrationException(string message)
        : base(message)
    {
    }

    public SchemaMigrationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
