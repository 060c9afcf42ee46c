namespace OrleansSync.Emulator;

/// <summary>An APS application the emulator accepts at its token endpoint.</summary>
/// <param name="ClientId">The client id; rate limits are counted per client id.</param>
/// <param name="ClientSecret">The client secret.</param>
public sealed record EmulatorClient(string ClientId, string ClientSecret)
{
    /// <summary>The client every emulator accepts unless told otherwise.</summary>
    public static EmulatorClient Demo { get; } = new("demo-client", "demo-secret");
}
