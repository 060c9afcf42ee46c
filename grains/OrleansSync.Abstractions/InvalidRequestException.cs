namespace OrleansSync;

/// <summary>
/// A request a grain refused as bad input (unknown project, bad URL, unknown stream, missing secret variable).
/// The message says what, where and how to fix it; the CLI turns it into exit code 2 and the HTTP API into a 400.
/// </summary>
[GenerateSerializer, Alias("OrleansSync.InvalidRequestException")]
public sealed class InvalidRequestException : Exception
{
    public InvalidRequestException()
    {
    }

    public InvalidRequestException(string message)
        : base(message)
    {
    }

    public InvalidRequestException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
