using OrleansSync.Emulator.Hosting;

namespace OrleansSync.Emulator.Json;

/// <summary>The error bodies ACC answers with; their shapes are part of what the connector must handle.</summary>
internal static class ApiErrors
{
    private const string MoreInfo = "https://aps.autodesk.com/en/docs/acc/v1/overview/introduction/";

    /// <summary><c>{"developerMessage","errorCode","moreInfo"}</c>, the shape of ACC's API and gateway errors.</summary>
    public static JsonBody Error(int statusCode, string errorCode, string developerMessage)
    {
        return JsonBody.Write(
            w =>
            {
                w.WriteStartObject();
                w.WriteString("developerMessage", developerMessage);
                w.WriteString("errorCode", errorCode);
                w.WriteString("moreInfo", MoreInfo);
                w.WriteEndObject();
            },
            statusCode);
    }

    public static JsonBody BadRequest(string message) => Error(StatusCodes.Status400BadRequest, "ERR_BAD_INPUT", message);

    public static JsonBody NotFound(string message) => Error(StatusCodes.Status404NotFound, "ERR_NOT_FOUND", message);

    /// <summary>What the gateway answers while the service is down, in ACC's error shape.</summary>
    public static JsonBody Outage(int statusCode)
    {
        var (code, message) = statusCode switch
        {
            StatusCodes.Status500InternalServerError => ("ERR_INTERNAL_SERVER_ERROR", "An unexpected error occurred on the server."),
            StatusCodes.Status502BadGateway => ("ERR_BAD_GATEWAY", "The gateway received an invalid response from the service."),
            StatusCodes.Status503ServiceUnavailable => ("ERR_SERVICE_UNAVAILABLE", "The service is temporarily unavailable. Try again later."),
            StatusCodes.Status504GatewayTimeout => ("ERR_GATEWAY_TIMEOUT", "The service did not answer in time."),
            _ => ($"ERR_{statusCode}", "The service cannot answer this request right now."),
        };
        return Error(statusCode, code, message);
    }

    /// <summary>ACC's quota answer: exactly this body and a Retry-After in whole seconds.</summary>
    public static JsonBody QuotaExceeded(int retryAfterSeconds) =>
        QuotaBody().WithHeader("Retry-After", retryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>An injected 429: ACC's body, and <paramref name="retryAfterSeconds"/> in the <paramref name="form"/> asked for.</summary>
    public static JsonBody QuotaExceeded(HttpContext http, int retryAfterSeconds, RetryAfterForm form)
    {
        switch (form)
        {
            case RetryAfterForm.HttpDate:
                // Dated on upstream's clock: the Date middleware writes it from the answer's own Date.
                UpstreamClockMiddleware.RetryAfterFromDate(http, retryAfterSeconds);
                return QuotaBody();
            case RetryAfterForm.Missing:
                return QuotaBody();
            default:
                return QuotaExceeded(retryAfterSeconds);
        }
    }

    private static JsonBody QuotaBody() => JsonBody.Write(
        static w =>
        {
            w.WriteStartObject();
            w.WriteString("developerMessage", "Quota limit exceeded.");
            w.WriteEndObject();
        },
        StatusCodes.Status429TooManyRequests);

    /// <summary>The token endpoint's OAuth 2.0 error shape.</summary>
    public static JsonBody OAuth(int statusCode, string error, string description)
    {
        return JsonBody.Write(
            w =>
            {
                w.WriteStartObject();
                w.WriteString("error", error);
                w.WriteString("error_description", description);
                w.WriteEndObject();
            },
            statusCode);
    }
}
