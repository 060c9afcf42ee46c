using System.Globalization;
using System.Text.Json;

namespace OrleansSync.Sources.Acc.Client;

/// <summary>
/// The pages one reader has read of one list, to stop a read whose pagination loops or contradicts itself before it
/// fetches the next page. Feed it every page in order with the URL it was fetched from:
/// <code>
/// var trail = new AccPageTrail();
/// var page = await acc.GetPageAsync(connection, url, cancellationToken);
/// if (trail.Check(url, page) is { } drift) { /* read the list again from its first page */ }
/// </code>
/// Check throws before page.NextUrl is followed when the pages loop, contradict themselves or run past the page cap,
/// and returns an <see cref="AccListDrift"/> when the list changed under the read. One list, one reader: not
/// thread-safe. A reader that resumes mid-list starts a new trail there, with what it had read of the list.
/// <para>
/// Offset paging cannot show a shift by its totals alone: one review leaving the list before the read's place and
/// another joining after it leave totalResults as it was, and the record at the next page boundary is never read. So
/// the reader follows each nextUrl through <see cref="Anchored"/>, which asks one record earlier: the page must start
/// with the record the last one ended with, or the list moved under the read (either way) and is read again.
/// </para>
/// </summary>
/// <param name="maxPages">The most pages one read of a list may take, whatever it announces.</param>
/// <param name="announcedTotal">The totalResults the list announced before a resume, if any.</param>
/// <param name="recordsRead">Records read of the list before a resume (0 for a new read); null when not known.</param>
/// <param name="anchor">The record a resumed read's first page must start with (<see cref="Anchor"/> when it stopped).</param>
public sealed class AccPageTrail(int maxPages = AccPageTrail.DefaultMaxPages, int? announcedTotal = null, long? recordsRead = 0, string? anchor = null)
{
    /// <summary>The default of <see cref="AccSourceOptions.MaxListPages"/>.</summary>
    public const int DefaultMaxPages = 100_000;

    /// <summary>Pages a read may take beyond totalResults / limit: room for a list that grew while it was read.</summary>
    public const int PageSlack = 2;

    // Each page's URL, one spelling per page, with the offset upstream answered there.
    private readonly Dictionary<string, int> _urls = new(StringComparer.Ordinal);
    private readonly HashSet<int> _offsets = [];
    private readonly HashSet<string> _keys = anchor is null ? new(StringComparer.Ordinal) : new([anchor], StringComparer.Ordinal);
    private HashSet<string>? _list;
    private int? _totalResults = announcedTotal;
    private int? _end;
    private int? _smallestLimit;

    // The key of the last page's last record, and the one the page asked next must start with (an anchored URL).
    private string? _lastKey;
    private string? _anchor = anchor;
    private bool _anchoring = anchor is not null;

    /// <summary>The record the page <see cref="Anchored"/> last gave must start with; null when it asks for no earlier record.</summary>
    public string? Anchor => _anchor;

    /// <summary>Pages checked so far.</summary>
    public int Pages => _urls.Count;

    /// <summary>The totalResults the list announced (the first one; a later different one is a drift).</summary>
    public int? AnnouncedTotal => _totalResults;

    /// <summary>Records the pages held so far, resumed reads included; null when a resume did not know it.</summary>
    public long? RecordsRead { get; private set; } = recordsRead;

    /// <summary>
    /// Records <paramref name="page"/>, fetched from <paramref name="pageUrl"/>, and checks where its nextUrl leads.
    /// </summary>
    /// <returns>
    /// Null when the list holds together so far; an <see cref="AccListDrift"/> when its totalResults changed, it ended
    /// short of the total it announced, or a record of an earlier page came again (a shift that left the total as it
    /// was): then the page's nextUrl must not be followed, the list is read again.
    /// </returns>
    /// <exception cref="AccPaginationException">
    /// The page was read before in this list (same URL, or same offset), or its nextUrl leads to a page already read,
    /// to an offset at or beyond the totalResults upstream announced, or past the page cap.
    /// </exception>
    public AccListDrift? Check(Uri pageUrl, SourcePage page)
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

        // An anchored page starts with the last page's last record: read already, and the proof that nothing moved.
        var anchor = _anchor;
        _anchor = null;
        var anchorKept = anchor is not null && page.Records.Count > 0 && Key(page.Records[0]) == anchor;
        RecordsRead += page.Records.Count - (anchorKept ? 1 : 0);
        // Whether the page starts where the last one ended (or later), so that it should hold none of its records.
        var disjoint = _end is not { } end || page.Offset >= end;
        _end = page.Offset + page.Records.Count;
        _lastKey = page.Records.Count > 0 ? Key(page.Records[^1]) : null;
        if (LimitOf(pageUrl) is { } limit)
        {
            _smallestLimit = Math.Min(limit, _smallestLimit ?? limit);
        }

        if (Drift(endpoint, page) is { } drift)
        {
            return drift;
        }

        if (anchor is not null && !anchorKept)
        {
            var found = page.Records.Count > 0 ? Key(page.Records[0]) ?? "a record without id" : "no record";
            return new AccListDrift(
                endpoint, Invariant($"the page at offset {page.Offset} starts with {found}, not {anchor}, which ended the page before: the list moved under the read"));
        }

        // A record seen on an earlier page moved down: one joined the list before the read's place. With its total
        // unchanged, one left as well, and the record at a page boundary may have been skipped. (A page asked from
        // inside the last one repeats records by its own offset: the page cap stops such a list.)
        if (disjoint && page.Records.Skip(anchorKept ? 1 : 0).Select(Key).FirstOrDefault(k => k is not null && _keys.Contains(k)) is { } repeated)
        {
            return new AccListDrift(endpoint, Invariant($"{repeated} was on an earlier page of this read too"));
        }

        if (page.NextUrl is not { } link)
        {
            return null;
        }

        var next = link.IsAbsoluteUri ? link : new Uri(pageUrl, link);
        _list ??= ListOf(pageUrl);
        if (_list.Except(ListOf(next)).ToList() is { Count: > 0 } dropped)
        {
            // Following it would read another list (all reviews instead of the archived ones, another range) under
            // this one's name. A link may add its own parameters (a cursor); it may not drop or change the list's.
            throw new AccPaginationException(
                endpoint,
                Invariant($"the nextUrl of the page at offset {page.Offset} asks for another list: it drops or changes {string.Join(", ", dropped)}"));
        }

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

        // Offsets that keep coming, each fresh (a step smaller than the page, a total that keeps growing), would read on
        // for ever: a read takes at most the pages its total needs at its smallest limit (less the anchor), plus slack.
        var cap = _totalResults is { } total && _smallestLimit is { } smallest
            ? Math.Min(maxPages, ((total + Step(smallest) - 1) / Step(smallest)) + PageSlack)
            : maxPages;
        if (Pages >= cap)
        {
            throw new AccPaginationException(
                endpoint,
                Invariant($"the list asks for page {Pages + 1}, past its cap of {cap} pages ({_totalResults?.ToString(CultureInfo.InvariantCulture) ?? "no"} totalResults, limit {_smallestLimit?.ToString(CultureInfo.InvariantCulture) ?? "not given"}, OrleansSync:Acc:MaxListPages {maxPages})"));
        }

        return null;
    }

    /// <summary>
    /// The URL to fetch for the last checked page's <paramref name="nextUrl"/>: one record earlier (offset − 1), so that
    /// the next <see cref="Check"/> can tell whether the list moved. As given when it does not ask for the offset where
    /// the last page ended (a link that steps otherwise is the page cap's to stop), asks for fewer than two records a
    /// page, or the last page ended with a record without identity.
    /// </summary>
    public Uri Anchored(Uri nextUrl)
    {
        ArgumentNullException.ThrowIfNull(nextUrl);
        _anchor = null;
        if (_lastKey is not { } key || OffsetOf(nextUrl) is not { } offset || offset != _end || offset < 1 || LimitOf(nextUrl) is not >= 2)
        {
            return nextUrl;
        }

        (_anchor, _anchoring) = (key, true);
        var query = string.Join('&', nextUrl.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p.StartsWith("offset=", StringComparison.Ordinal) ? Invariant($"offset={offset - 1}") : p));
        return new UriBuilder(nextUrl) { Query = query }.Uri;
    }

    /// <summary>
    /// <paramref name="page"/> without the records this read already saw (by <c>id</c> or <c>urn</c>): a nextUrl that
    /// steps back, or a record that moved down a place, repeats one at a page boundary. Records without an identity
    /// are kept, as two equal ones may both be real.
    /// </summary>
    public SourcePage WithoutRepeats(SourcePage page)
    {
        ArgumentNullException.ThrowIfNull(page);
        var fresh = page.Records.Where(r => Key(r) is not { } key || _keys.Add(key)).ToList();
        return fresh.Count == page.Records.Count ? page : page with { Records = fresh };
    }

    private static string? Key(JsonElement record) =>
        record.ValueKind != JsonValueKind.Object ? null
        : record.TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.String ? "id:" + id.GetString()
        : record.TryGetProperty("urn", out var urn) && urn.ValueKind == JsonValueKind.String ? "urn:" + urn.GetString()
        : null;

    /// <summary>The list a URL reads: its path and every query parameter but the page's own (limit, offset).</summary>
    private static HashSet<string> ListOf(Uri url) =>
    [
        $"path {Uri.UnescapeDataString(url.AbsolutePath)}",
        .. Parameters(url).Where(static p => p.Name is not ("limit" or "offset")).Select(static p => $"{p.Name}={p.Value}"),
    ];

    /// <summary>The list changed under the read: its total moved, or it ended short of what it announced.</summary>
    private AccListDrift? Drift(string endpoint, SourcePage page)
    {
        if (page.TotalResults is { } total)
        {
            if (_totalResults is { } announced && announced != total)
            {
                return new AccListDrift(endpoint, Invariant($"totalResults went from {announced} to {total} between pages"));
            }

            _totalResults = total;
        }

        if (page.NextUrl is not null || _totalResults is not { } expected)
        {
            return null;
        }

        if (page.Offset + page.Records.Count < expected)
        {
            return new AccListDrift(
                endpoint,
                Invariant($"the last page (offset {page.Offset}, {page.Records.Count} records) ends before the {expected} results announced"));
        }

        return RecordsRead < expected
            ? new AccListDrift(endpoint, Invariant($"the list ended after {RecordsRead} records of the {expected} it announced"))
            : null;
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

    /// <summary>New records a page of <paramref name="limit"/> holds: one less once pages are anchored.</summary>
    private int Step(int limit) => _anchoring && limit > 1 ? limit - 1 : limit;

    /// <summary>The offset a URL asks for, when it names one.</summary>
    private static int? OffsetOf(Uri url) => Number(url, "offset");

    /// <summary>The page size a URL asks for, when it names a positive one.</summary>
    private static int? LimitOf(Uri url) => Number(url, "limit") is { } limit && limit > 0 ? limit : null;

    private static int? Number(Uri url, string parameter)
    {
        foreach (var (name, value) in Parameters(url))
        {
            if (name == parameter && int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
            {
                return number;
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
