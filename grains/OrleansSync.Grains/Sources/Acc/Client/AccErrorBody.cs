using System.Text.Json;

namespace OrleansSync.Sources.Acc.Client;

/// <summary>
/// What an error answer says, from either shape ACC uses: <c>{"developerMessage","errorCode"}</c> (APIs, gateway)
/// or OAuth's <c>{"error","error_description"}</c> (token endpoint).
/// </summary>
internal readonly record struct AccErrorBody(string? Code, string? Message)
{
    // Error bodies are small; a larger one is not an ACC error document and is not worth buffering.
    private const int MaxBytes = 64 * 1024;

    /// <summary>The error document, read within the body bounds; when there is none (HTML, stalled, cut short) the status alone must do.</summary>
    public static async Task<AccErrorBody> ReadAsync(HttpResponseMessage response, AccBodyLimits limits, CancellationToken cancellationToken)
    {
        try
        {
            using var body = await AccBody.ReadAsync(response, Endpoint(response), limits with { MaxBytes = Math.Min(limits.MaxBytes, MaxBytes) }, cancellationToken);
            using var document = body.ParseJson(Endpoint(response));
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return default;
            }

            return new AccErrorBody(
                Text(root, "errorCode") ?? Text(root, "error"),
                Text(root, "developerMessage") ?? Text(root, "error_description") ?? Text(root, "message"));
        }
        catch (AccBodyException)
        {
            return default;
        }
    }

    public static async Task<AccApiException> ToExceptionAsync(HttpResponseMessage response, AccBodyLimits limits, CancellationToken cancellationToken)
    {
        var error = await ReadAsync(response, limits, cancellationToken);
        return new AccApiException(response.StatusCode, Endpoint(response), error.Code, error.Message);
    }

    private static string Endpoint(HttpResponseMessage response) =>
        response.RequestMessage is { } request ? AccEndpoints.Describe(request) : "(unknown)";

    private static string? Text(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
