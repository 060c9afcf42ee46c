using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace OrleansSync.Acc;

/// <summary>APS OAuth v2, client credentials grant: the one call that sees the client secret.</summary>
internal static class AccTokenEndpoint
{
    // Reviews need data:read, the Admin API account:read; one token serves both.
    private static readonly KeyValuePair<string, string>[] Form =
    [
        new("grant_type", "client_credentials"),
        new("scope", "data:read account:read"),
    ];

    /// <summary>A new access token and its lifetime.</summary>
    /// <exception cref="AccAuthenticationException">The client id or secret is wrong.</exception>
    /// <exception cref="AccApiException">Any other failure.</exception>
    public static async Task<(string AccessToken, TimeSpan Lifetime)> RequestAsync(
        HttpClient http,
        AccConnection connection,
        AccCallCounter? counter,
        CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, AccEndpoints.Resolve(connection.BaseUrl, AccEndpoints.TokenPath))
        {
            Content = new FormUrlEncodedContent(Form),
        };
        var credentials = Encoding.UTF8.GetBytes($"{connection.ClientId}:{connection.ClientSecret}");
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(credentials));
        counter?.Attach(request);

        using var response = await AccHttp.SendAsync(http, request, cancellationToken);
        if (response.StatusCode == HttpStatusCode.Unauthorized)
        {
            var error = await AccErrorBody.ReadAsync(response, cancellationToken);
            throw new AccAuthenticationException(connection.ClientId, connection.BaseUrl, error.Code, error.Message);
        }

        if (!response.IsSuccessStatusCode)
        {
            throw await AccErrorBody.ToExceptionAsync(response, cancellationToken);
        }

        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
        using var document = await JsonDocument.ParseAsync(body, cancellationToken: cancellationToken);
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object
            || !root.TryGetProperty("access_token", out var token) || token.ValueKind != JsonValueKind.String
            || !root.TryGetProperty("expires_in", out var expiresIn) || !expiresIn.TryGetInt64(out var seconds))
        {
            throw new AccApiException(response.StatusCode, AccEndpoints.Describe(request), null, "The token answer has no access_token or expires_in.");
        }

        return (token.GetString()!, TimeSpan.FromSeconds(seconds));
    }
}
