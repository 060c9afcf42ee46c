namespace OrleansSync.Emulator.Data;

/// <summary>
/// Separate random streams per purpose, so that changing one size (say, versions per review) leaves the
/// records it does not touch as they were.
/// </summary>
internal static class Salts
{
    public const ulong Actors = 0xAC7085;
    public const ulong Account = 0xACC0;
    public const ulong Project = 0x960;
    public const ulong Workflows = 0x3F10;
    public const ulong Reviews = 0x4E71;
    public const ulong Mutation = 0x3D7A;
    public const ulong Malformed = 0xBAD;
    public const ulong Faults = 0xFA17;
}
