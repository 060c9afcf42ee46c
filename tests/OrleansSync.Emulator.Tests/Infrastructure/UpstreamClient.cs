using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace OrleansSync.Emulator.Tests.Infrastructure;

/// <summary>Talks to an emulator over real HTTP, as the connector does.</summary>
internal sealed class UpstreamClient : IDisposable
{
    public const string Scopes = "data:read account:read";

    private readonly AccEmulator _emulator;

    public UpstreamClient(AccEmulator emulator)
    {
        _emulator = emulator;
        Http = new HttpClient { BaseAddress = emulator.BaseUrl };
    }

    public HttpClient Http { get; }

    public static string ReviewsPath(string projectId) => $"/construction/reviews/v1/projects/{projectId}/reviews";

    public static string WorkflowsPath(string projectId) => $"/construction/reviews/v1/projects/{projectId}/workflows";

    /// <summary>Requests a token with HTTP Basic client authentication.</summary>
    public async Task<ApiResponse> RequestTokenAsync(
        EmulatorClient? client,
        CancellationToken cancellationToken,
        string grantType = "client_credentials",
        bool basic = true)
    {
        using var request = TokenRequest(client, grantType, basic);
        return await SendAsync(request, cancellationToken);
    }

    /// <summary>The default client's token request, answered as soon as its headers are in; the body is left unread.</summary>
    public async Task<HttpResponseMessage> RequestTokenRawAsync(CancellationToken cancellationToken)
    {
        using var request = TokenRequest(null, "client_credentials", basic: true);
        return await Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
    }

    public async Task<string> TokenAsync(CancellationToken cancellationToken, EmulatorClient? client = null)
    {
        var response = await RequestTokenAsync(client, cancellationToken);
        Assert.Equal(System.Net.HttpStatusCode.OK, response.Status);
        return response.Json.GetProperty("access_token").GetString()!;
    }

    /// <summary>GET with a bearer token and, unless told otherwise, an x-user-id.</summary>
    public async Task<ApiResponse> GetAsync(string pathOrUrl, string? token, CancellationToken cancellationToken, bool userId = true)
    {
        using var request = GetRequest(pathOrUrl, token, userId);
        return await SendAsync(request, cancellationToken);
    }

    /// <summary>The same GET, answered as soon as its headers are in: the body is left to read, or to fail reading.</summary>
    public async Task<HttpResponseMessage> GetRawAsync(string pathOrUrl, string? token, CancellationToken cancellationToken)
    {
        using var request = GetRequest(pathOrUrl, token, userId: true);
        return await Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
    }

    /// <summary>Follows nextUrl from the first page to the last, collecting every record.</summary>
    public async Task<List<JsonElement>> GetAllAsync(string path, string token, CancellationToken cancellationToken)
    {
        var records = new List<JsonElement>();
        string? url = path;
        while (url is not null)
        {
            var page = await GetAsync(url, token, cancellationToken);
            Assert.Equal(System.Net.HttpStatusCode.OK, page.Status);
            records.AddRange(page.Results.EnumerateArray());
            url = page.NextUrl;
        }

        return records;
    }

    public async Task<ApiResponse> PostJsonAsync(string path, object body, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = new StringContent(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json"),
        };
        return await SendAsync(request, cancellationToken);
    }

    public async Task<ApiResponse> PostAsync(string path, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path);
        return await SendAsync(request, cancellationToken);
    }

    public void Dispose() => Http.Dispose();

    private static HttpRequestMessage GetRequest(string pathOrUrl, string? token, bool userId)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, pathOrUrl);
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        if (userId)
        {
            request.Headers.Add("x-user-id", "TESTUSER1234");
        }

        return request;
    }

    private HttpRequestMessage TokenRequest(EmulatorClient? client, string grantType, bool basic)
    {
        client ??= _emulator.DefaultClient;
        var fields = new Dictionary<string, string> { ["grant_type"] = grantType, ["scope"] = Scopes };
        var request = new HttpRequestMessage(HttpMethod.Post, "/authentication/v2/token");
        if (basic)
        {
            var basicValue = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{client.ClientId}:{client.ClientSecret}"));
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic", basicValue);
        }
        else
        {
            fields["client_id"] = client.ClientId;
            fields["client_secret"] = client.ClientSecret;
        }

        request.Content = new FormUrlEncodedContent(fields);
        return request;
    }

    private async Task<ApiResponse> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        using var response = await Http.SendAsync(request, cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        return new ApiResponse(response.StatusCode, response.Headers, body);
    }
}
