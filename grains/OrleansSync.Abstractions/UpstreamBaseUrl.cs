namespace OrleansSync;

/// <summary>
/// Where a project's credentials may go. The token request carries the client secret and every call a bearer token,
/// both to the base URL's origin only, so the base URL must be <c>https</c> (plain <c>http</c> only for a loopback host:
/// the bundled emulator, tests) and may not carry credentials of its own. The CLI checks it before anything leaves the
/// machine; the silo checks it for every client, and again before a task resolves a secret.
/// </summary>
public static class UpstreamBaseUrl
{
    /// <summary>The parsed URL, or an <see cref="InvalidRequestException"/> that says what to fix and never echoes a password.</summary>
    public static Uri Parse(string text, string where = "--base-url")
    {
        if (!Uri.TryCreate(text, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
        {
            throw new InvalidRequestException($"{where} '{Redact(text)}' is not an absolute http(s) URL: give the upstream's root, e.g. https://developer.api.autodesk.com.");
        }

        if (url.UserInfo.Length > 0)
        {
            throw new InvalidRequestException(
                $"{where} '{Redact(text)}' carries credentials (user:password@): never put credentials in a URL. " +
                "Give the OAuth client id with --client-id and the name of the variable that holds its secret with --client-secret-env.");
        }

        if (url.Query.Length > 0 || url.Fragment.Length > 0)
        {
            throw new InvalidRequestException($"{where} '{text}' has a query or fragment: give the upstream's root only, e.g. https://developer.api.autodesk.com.");
        }

        if (url.Scheme == Uri.UriSchemeHttp && !url.IsLoopback)
        {
            throw new InvalidRequestException(
                $"{where} '{text}' is plain http to {url.Host}, which is not a loopback host: the client secret and tokens would cross the network in clear text. " +
                "Use https; plain http is allowed only for 127.0.0.1, ::1 and localhost (the bundled emulator, tests).");
        }

        return url;
    }

    /// <summary>The text with anything between the scheme and an '@' masked: a URL we refuse may hold a password.</summary>
    private static string Redact(string text)
    {
        var at = text.LastIndexOf('@');
        if (at < 0)
        {
            return text;
        }

        var scheme = text.IndexOf("://", StringComparison.Ordinal);
        var start = scheme >= 0 && scheme < at ? scheme + 3 : 0;
        return $"{text[..start]}***{text[at..]}";
    }
}
