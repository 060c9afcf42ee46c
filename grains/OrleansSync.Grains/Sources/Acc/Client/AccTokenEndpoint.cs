using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace OrleansSync.Sources.Acc.Client;

/// <summary>APS OAuth v2, client credentials grant: the one call that sees the client secret.</summary>
internal static class AccTokenEndpoint
{
    // Reviews need data:read, the Admin API account:read; one token serves both.
    private static readonly KeyValuePair<string, string>[] Form =
    [
        new("grant_type", "client_credentials"),
        new("scope", "data:read account:read"),
    ];

    /// <summary>A new access token and its lifetime: one exchange, its body read within <paramref name="limits"/>.</summary>
    /// <exception cref="AccAuthenticationException">The client id or secret is wrong.</exception>
    /// <exception cref="AccBodyException">The answer is not a token document; worth asking again.</exception>
    /// <exception cref="AccApiException">Any other failure.</exception>
    public static async Task<(string AccessToken, TimeSpan Lifetime)> RequestAsync(
        HttpClient http,
        AccConnection connection,
        AccCallCounter? counter,
        AccBodyLimits limits,
        CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, AccEndpoints.Resolve(connection.BaseUrl, AccEndpoints.TokenPath))
        {
            Content = new FormUrlEncodedContent(Form),
        };
        var credentials = Encoding.UTF8.GetBytes($"{connection.ClientId}:{connection.ClientSecret}");
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(credentials));
        counter?.Attach(request);
        AccCallTicket.Attach(request, connection);

        using var response = await AccHttp.SendAsync(http, request, cancellationToken);
        if (response.StatusCode == HttpStatusCode.Unauthorized)
        {
            var error = await AccErrorBody.ReadAsync(response, limits, cancellationToken);
            throw new AccAuthenticationException(connection.ClientId, connection.BaseUrl, error.Code, error.Message);
        }

        if (!response.IsSuccessStatusCode)
        {
            throw await AccErrorBody.ToExceptionAsync(response, limits, cancellationToken);
        }

        var endpoint = AccEndpoints.Describe(request);
        using var body = await AccBody.ReadAsync(response, endpoint, limits, cancellationToken);
        using var document = body.ParseJson(endpoint);
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object
            || !root.TryGetProperty("access_token", out var token) || token.ValueKind != JsonValueKind.String || token.GetString() is not { Length: > 0 } accessToken
            || !root.TryGetProperty("expires_in", out var expiresIn) || expiresIn.ValueKind != JsonValueKind.Number
            || !expiresIn.TryGetInt32(out var seconds) || seconds < 0)
        {
            throw new AccBodyException(endpoint, "the token answer has no access_token or expires_in");
        }

        return (accessToken, TimeSpan.FromSeconds(seconds));
    }
}
