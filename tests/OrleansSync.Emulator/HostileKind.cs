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

    /// <summary>400 with an ACC error body, as ACC answers a request it refuses for this one record.</summary>
    BadRequest400,

    /// <summary>403 with an ACC error body, as ACC answers a record the user may not read.</summary>
    Forbidden403,

    /// <summary>404 with an ACC error body, as ACC answers a record it does not find (or hides).</summary>
    NotFound404,

    /// <summary>500 with an ACC error body: one endpoint failing while the rest of upstream answers.</summary>
    ServerError500,
}
