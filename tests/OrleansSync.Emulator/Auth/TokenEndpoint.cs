using OrleansSync.Emulator.Faults;
using OrleansSync.Emulator.Hosting;
using OrleansSync.Emulator.Json;

namespace OrleansSync.Emulator.Auth;

/// <summary>APS OAuth v2 token endpoint, client credentials grant only (2-legged).</summary>
internal static class TokenEndpoint
{
    public const string Path = "/authentication/v2/token";

    private static readonly HashSet<string> KnownScopes = new(StringComparer.Ordinal)
    {
        "data:read", "data:write", "data:create", "data:search", "account:read", "account:write",
        "bucket:create", "bucket:read", "bucket:update", "bucket:delete", "viewables:read", "user-profile:read",
        "user:read", "user:write", "code:all",
    };

    public static void MapTokenEndpoint(this IEndpointRouteBuilder app)
    {
        app.MapPost(Path, IssueAsync).WithMetadata(new ApiSurfaceMetadata(ApiSurface.Token), new HostileTargetMetadata(HostileTarget.Token));
    }

    private static async Task<IResult> IssueAsync(
        HttpRequest request,
        ClientRegistry clients,
        TokenStore tokens,
        FaultState faults,
        CancellationToken cancellationToken)
    {
        var form = await ClientCredentials.ReadFormAsync(request, cancellationToken);
        var credentials = ClientCredentials.From(request, form);
        if (credentials is null || !clients.Verify(credentials.ClientId, credentials.ClientSecret))
        {
            return ApiErrors.OAuth(
                StatusCodes.Status401Unauthorized,
                "invalid_client",
                "The client_id specified does not have access to the api product");
        }

        if (form is null)
        {
            return ApiErrors.OAuth(
                StatusCodes.Status400BadRequest,
                "invalid_request",
                "The request body must be application/x-www-form-urlencoded.");
        }

        var grantType = form["grant_type"].ToString();
        if (grantType.Length == 0)
        {
            return ApiErrors.OAuth(StatusCodes.Status400BadRequest, "invalid_request", "The grant_type parameter is required.");
        }

        if (grantType != "client_credentials")
        {
            return ApiErrors.OAuth(
                StatusCodes.Status400BadRequest,
                "unsupported_grant_type",
                $"The grant type '{grantType}' is not supported; use client_credentials.");
        }

        var scopes = form["scope"].ToString().Split(' ', StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.Ordinal);
        if (scopes.Count == 0 || !scopes.All(KnownScopes.Contains))
        {
            return ApiErrors.OAuth(
                StatusCodes.Status400BadRequest,
                "invalid_scope",
                scopes.Count == 0 ? "The scope parameter is required." : "The requested scope is invalid, unknown, or malformed.");
        }

        var ttl = faults.Settings.TokenTtlSeconds;
        var token = tokens.Issue(credentials.ClientId, scopes, ttl);
        return JsonBody.Write(w =>
            {
                w.WriteStartObject();
                w.WriteString("access_token", token.AccessToken);
                w.WriteString("token_type", "Bearer");
                w.WriteNumber("expires_in", ttl);
                w.WriteEndObject();
            })
            .WithHeader("Cache-Control", "no-store")
            .WithHeader("Pragma", "no-cache");
    }
}
