namespace OrleansSync.Emulator.Json;

/// <summary>How a malformed review record departs from the schema.</summary>
internal enum MalformedKind
{
    None,

    /// <summary>No <c>id</c> property at all.</summary>
    MissingId,

    /// <summary><c>sequenceId</c> as a string, e.g. <c>"17"</c>.</summary>
    SequenceIdAsString,

    /// <summary><c>updatedAt</c> as Unix milliseconds instead of an ISO 8601 string.</summary>
    UpdatedAtAsNumber,
}
