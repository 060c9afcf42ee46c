namespace OrleansSync.Emulator.Hosting;

/// <summary>Which upstream API an endpoint belongs to: each has its own quota and its own auth rules.</summary>
internal enum ApiSurface
{
    Token,
    Reviews,
    Admin,
}

/// <summary>Endpoint metadata marking an upstream endpoint; endpoints without it are the emulator's own.</summary>
internal sealed record ApiSurfaceMetadata(ApiSurface Surface);
