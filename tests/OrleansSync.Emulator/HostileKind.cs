namespace OrleansSync.Emulator;

/// <summary>
/// How a <see cref="HostileRule"/> answers, in the ways a bad upstream or a broken proxy does. JSON names are
/// camelCase (<c>html200</c>, <c>nextUrlCycle</c>).
/// </summary>
public enum HostileKind
{
    /// <summary>200 with <c>Content-Type: text/html</c> and a proxy's HTML error page.</summary>
    Html200,

    /// <summary>200 JSON announcing the full Content-Length; the first half of the body is sent, then the connection is aborted.</summary>
    Truncated,

    /// <summary>
    /// 200 JSON; the headers and the first half of the body are sent, then nothing until the client gives up or
    /// <see cref="FaultSettings.StallSeconds"/> pass, then the connection is aborted.
    /// </summary>
    StallBody,

    /// <summary>A list page whose nextUrl points at the list's first page (offset 0), even on the last page.</summary>
    NextUrlCycle,

    /// <summary>A list page whose nextUrl is the right next page on another origin (host 127.0.0.2).</summary>
    NextUrlForeign,

    /// <summary>A list page whose totalResults is 1 while the list holds more (nextUrl keeps coming).</summary>
    TotalResultsLie,

    /// <summary>The page's first record has <c>\u0000</c> inside a string field; its identity fields stay valid.</summary>
    NulInRecord,

    /// <summary>The page's first record has a field of the wrong JSON type; its identity fields stay valid.</summary>
    WrongType,

    /// <summary>500 with an ACC error body whose developerMessage holds <c>\u0000</c>.</summary>
    NulInError,

    /// <summary>
    /// The normal reviews page (one with a next page); then its first review is archived (unarchived when archived),
    /// as a user may between two page reads: every later review of the list shifts one place left.
    /// </summary>
    DriftAfterPage,

    /// <summary>502 with a proxy's HTML error page, as a gateway in front of the API answers.</summary>
    BadGatewayHtml,

    /// <summary>504 with a proxy's HTML error page.</summary>
    GatewayTimeoutHtml,

    /// <summary>The connection is reset before any response header is sent.</summary>
    ResetBeforeHeaders,

    /// <summary>503 with an ACC error body for the rule's calls only: one endpoint down while the others answer.</summary>
    Unavailable,

    /// <summary>A list page whose <c>results</c> is null.</summary>
    ResultsNull,

    /// <summary>A list page (with a next page) whose nextUrl asks for its own last record again, so the next page repeats it.</summary>
    RepeatRecord,

    /// <summary>A list page whose nextUrl keeps limit and offset but drops every other query parameter (the filters).</summary>
    NextUrlDropsFilters,

    /// <summary>A list page whose nextUrl asks for half the page size (the right offset, the same filters).</summary>
    NextUrlChangesLimit,

    /// <summary>400 with an ACC error body, as ACC answers a request it refuses for this one record.</summary>
    BadRequest400,

    /// <summary>403 with an ACC error body, as ACC answers a record the user may not read.</summary>
    Forbidden403,

    /// <summary>404 with an ACC error body, as ACC answers a record it does not find (or hides).</summary>
    NotFound404,

    /// <summary>500 with an ACC error body: one endpoint failing while the rest of upstream answers.</summary>
    ServerError500,

    /// <summary>
    /// The normal workflows page; the first workflow's first step has a <c>duration</c> of <c>1e200000</c>: valid
    /// JSON, beyond what a decimal (PostgreSQL's numeric, so jsonb) holds.
    /// </summary>
    NumberOutOfRange,

    /// <summary>
    /// The normal reviews page (one with a next page); then its first review leaves the list (archived, unarchived
    /// when archived) and a new review is created, as two users may between two page reads: an active list keeps its
    /// totalResults, every later review shifts one place left, and the review at the next page boundary moves onto
    /// the page already read.
    /// </summary>
    ShiftAfterPage,
}
