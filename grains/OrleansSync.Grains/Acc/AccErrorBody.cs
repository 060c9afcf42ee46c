using System.Text.Json;

namespace OrleansSync.Acc;

/// <summary>
/// What an error answer says, from either shape ACC uses: <c>{"developerMessage","errorCode"}</c> (APIs, gateway)
/// or OAuth's <c>{"error","error_description"}</c> (token endpoint).
/// </summary>
internal readonly record struct AccErrorBody(string? Code, string? Message)
{
    // Error bodies are small; a larger one is not an ACC error document and is not worth buffering.
    private const int MaxBytes = 64 * 1024;

    public static async Task<AccErrorBody> ReadAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (response.Content.Headers.ContentLength is > MaxBytes)
        {
            return default;
        }

        try
        {
            await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
            using var document = await JsonDocument.ParseAsync(body, cancellationToken: cancellationToken);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return default;
            }

            return new AccErrorBody(
                Text(root, "errorCode") ?? Text(root, "error"),
                Text(root, "developerMessage") ?? Text(root, "error_description") ?? Text(root, "message"));
        }
        catch (JsonException)
        {
            // Proxies answer errors in HTML; the status code alone must then do.
            return default;
        }
    }

    public static async Task<AccApiException> ToExceptionAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var error = await ReadAsync(response, cancellationToken);
        var endpoint = response.RequestMessage is { } request ? AccEndpoints.Describe(request) : "(unknown)";
        return new AccApiException(response.StatusCode, endpoint, error.Code, error.Message);
    }

    private static string? Text(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
