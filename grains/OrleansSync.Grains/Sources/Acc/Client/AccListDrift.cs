using System.Globalization;

namespace OrleansSync.Sources.Acc.Client;

/// <summary>
/// A list changed while it was read page by page: a record that left (or joined) it on a page already read shifts
/// every later record by one place, so offset paging skips (or repeats) the record at the next page boundary. The
/// pages read are still good records; the read must start the list again to be sure it saw every one.
/// </summary>
/// <param name="Endpoint">Method and path of the list, without its query.</param>
/// <param name="Reason">What showed it, e.g. "totalResults went from 12 to 11 between pages".</param>
public sealed record class AccListDrift(string Endpoint, string Reason)
{
    /// <summary>The error that ends a read whose list kept drifting after <paramref name="rereads"/> reads from its start.</summary>
    public AccPaginationException TooOften(int rereads) => new(
        Endpoint,
        string.Create(
            CultureInfo.InvariantCulture,
            $"the list changed while it was read, and again on each of {rereads} reads from its start (last: {Reason}); raise OrleansSync:Acc:MaxListRereads, or sync when the project changes less"));
}
