using System.Globalization;
using System.Text;

namespace OrleansSync.Emulator.Paging;

/// <summary>
/// Absolute page links built from the request's own scheme, host and port, keeping every filter the caller sent:
/// a client that follows nextUrl as given must get the same query, next page.
/// </summary>
internal static class PageLinks
{
    public static string Build(HttpRequest request, int limit, int offset)
    {
        var url = new StringBuilder(256)
            .Append(request.Scheme)
            .Append("://")
            .Append(request.Host.ToUriComponent())
            .Append(request.PathBase.ToUriComponent())
            .Append(request.Path.ToUriComponent());
        var separator = '?';
        foreach (var (key, values) in request.Query)
        {
            if (key.Equals("limit", StringComparison.OrdinalIgnoreCase) || key.Equals("offset", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            foreach (var value in values)
            {
                url.Append(separator).Append(Escape(key)).Append('=').Append(Escape(value ?? string.Empty));
                separator = '&';
            }
        }

        url.Append(separator).Append("limit=").Append(limit.ToString(CultureInfo.InvariantCulture));
        url.Append("&offset=").Append(offset.ToString(CultureInfo.InvariantCulture));
        return url.ToString();
    }

    // Brackets stay readable (filter[status]); every client and server accepts them in a query.
    private static string Escape(string text) =>
        Uri.EscapeDataString(text).Replace("%5B", "[", StringComparison.Ordinal).Replace("%5D", "]", StringComparison.Ordinal);
}
