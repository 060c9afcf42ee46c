namespace OrleansSync.Emulator.Hosting;

/// <summary>Endpoint metadata naming the <see cref="HostileTarget"/> an upstream endpoint is.</summary>
internal sealed record HostileTargetMetadata(HostileTarget Target);
