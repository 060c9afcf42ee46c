namespace OrleansSync.Client.Cli;

/// <summary>An error the CLI reports as one line on stderr with a chosen exit code, never as a stack trace.</summary>
public sealed class CliException(int exitCode, string message, Exception? innerException = null) : Exception(message, innerException)
{
    public int ExitCode { get; } = exitCode;

    public static CliException BadInput(string message) => new(ExitCodes.BadInput, message);

    public static CliException Unreachable(string message, Exception? innerException = null) => new(ExitCodes.Unreachable, message, innerException);
}
