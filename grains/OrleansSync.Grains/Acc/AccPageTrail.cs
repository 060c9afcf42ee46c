using System.Globalization;
using OrleansSync.Pipeline;

namespace OrleansSync.Acc;

/// <summary>
/// The pages one reader has read of one list, to stop a read whose pagination loops or contradicts itself before it
/// fetches the next page. Feed it every page in order with the URL it was fetched from:
/// <code>
/// var trail = new AccPageTrail();
/// var page = await acc.GetPageAsync(connection, url, cancellationToken);
/// trail.Check(url, page); // throws before page.NextUrl is followed
/// </code>
/// One list, one reader: not thread-safe. A reader that resumes mid-list starts a new trail there.
/// </summary>
public sealed class AccPageTrail
{
    // Each page's URL, one spelling per page, with the offset upstream answered there.
    private readonly Dictionary<string, int> _urls = new(StringComparer.Ordinal);
    private readonly HashSet<int> _offsets = [];
    private int? _totalResults;

    /// <summary>Pages checked so far.</summary>
    public int Pages => _urls.Count;

    /// <summary>Records <paramref name="page"/>, fetched from <paramref name="pageUrl"/>, and checks where its nextUrl leads.</summary>
    /// <exception cref="AccPaginationException">
    /// The page was read before in this list (same URL, or same offset), or its nextUrl leads to a page already read or
    /// to an offset at or beyond the totalResults upstream announced.
    /// </exception>
    public void Check(Uri pageUrl, SourcePage page)
    {
        ArgumentNullException.ThrowIfNull(pageUrl);
        ArgumentNullException.ThrowIfNull(page);
        if (!pageUrl.IsAbsoluteUri)
        {
            throw new ArgumentException("The page URL must be absolute, as the page was fetched from it.", nameof(pageUrl));
        }

        var endpoint = AccEndpoints.Describe(HttpMethod.Get, pageUrl);
        if (!_urls.TryAdd(Normalize(pageUrl), page.Offset))
        {
            throw new AccPaginationException(endpoint, Invariant($"the page at offset {page.Offset} was fetched twice from the same URL"));
        }

        if (!_offsets.Add(page.Offset))
        {
            throw new AccPaginationException(endpoint, Invariant($"two pages of the list answered offset {page.Offset}"));
        }

        _totalResults = page.TotalResults ?? _totalResults;
        if (page.NextUrl is not { } link)
        {
            return;
        }

        var next = link.IsAbsoluteUri ? link : new Uri(pageUrl, link);
        var nextOffset = OffsetOf(next);
        if (_urls.TryGetValue(Normalize(next), out var read) || nextOffset is { } again && _offsets.Contains(again))
        {
            throw new AccPaginationException(
                endpoint,
                Invariant($"the nextUrl of the page at offset {page.Offset} leads back to offset {nextOffset ?? read}, already read"));
        }

        if (nextOffset >= _totalResults)
        {
            throw new AccPaginationException(
                endpoint,
                Invariant($"the nextUrl of the page at offset {page.Offset} asks for offset {nextOffset}, but the list has {_totalResults} results"));
        }
    }

    /// <summary>
    /// One spelling per page: no fragment, query parameters unescaped and in order, so a link that only reorders or
    /// re-escapes the query is the same page.
    /// </summary>
    private static string Normalize(Uri url)
    {
        var parameters = Parameters(url).Select(static p => $"{p.Name}={p.Value}").Order(StringComparer.Ordinal);
        return $"{url.Scheme}://{url.IdnHost}:{url.Port}{Uri.UnescapeDataString(url.AbsolutePath)}?{string.Join('&', parameters)}";
    }

    /// <summary>The offset a URL asks for, when it names one.</summary>
    private static int? OffsetOf(Uri url)
    {
        foreach (var (name, value) in Parameters(url))
        {
            if (name == "offset" && int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var offset))
            {
                return offset;
            }
        }

        return null;
    }

    private static IEnumerable<(string Name, string Value)> Parameters(Uri url)
    {
        foreach (var pair in url.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            var name = equals < 0 ? pair : pair[..equals];
            var value = equals < 0 ? string.Empty : pair[(equals + 1)..];
            yield return (Unescape(name), Unescape(value));
        }
    }

    private static string Unescape(string text) => Uri.UnescapeDataString(text.Replace('+', ' '));

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
