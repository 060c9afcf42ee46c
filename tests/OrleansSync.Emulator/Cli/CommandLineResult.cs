namespace OrleansSync.Emulator.Cli;

/// <summary>What the command line asked for.</summary>
internal sealed class CommandLineResult(EmulatorOptions options)
{
    public EmulatorOptions Options { get; } = options;

    /// <summary>Injected 429s to arm once started.</summary>
    public int ThrottleNext { get; set; }

    public bool Help { get; set; }

    public string? Error { get; private set; }

    public CommandLineResult Fail(string error)
    {
        Error = error;
        return this;
    }
}
