namespace OrleansSync.Client.Cli;

/// <summary>The CLI's exit codes, as the README lists them: scripts depend on them.</summary>
public static class ExitCodes
{
    public const int Ok = 0;
    public const int SyncFailed = 1;
    public const int BadInput = 2;
    public const int Unreachable = 3;
}
