namespace OrleansSync.Sources.Acc.Client;

/// <summary>
/// The pages of one list loop (a nextUrl leads back to a page already read) or contradict themselves (a nextUrl
/// beyond the totalResults upstream announced). Reading on would never end or would invent pages, so the read stops.
/// </summary>
public sealed class AccPaginationException : AccException
{
    public AccPaginationException(string endpoint, string reason)
        : base($"ACC {endpoint} paginates inconsistently: {reason}. The read stops here rather than loop or skip records.")
    {
        Endpoint = endpoint;
        Reason = reason;
    }

    /// <summary>Method and path of the list, without its query.</summary>
    public string Endpoint { get; }

    /// <summary>What went wrong, e.g. "the nextUrl of the page at offset 50 asks for offset 0 again".</summary>
    public string Reason { get; }

    // Upstream answers the same pages the same way next time; a person must look.
    public override bool IsTransient => false;
}
