namespace OrleansSync.Emulator.Auth;

/// <summary>A 2-legged access token and what it grants.</summary>
internal sealed record IssuedToken(string AccessToken, string ClientId, IReadOnlySet<string> Scopes, DateTimeOffset ExpiresAt);
