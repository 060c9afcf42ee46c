using System.Text.Json.Serialization;

namespace OrleansSync.Emulator;

/// <summary>
/// How an injected 429 says when to come back (<see cref="FaultSettings.ThrottleRetryAfterForm"/>). ACC sends whole
/// seconds; HTTP allows a date too, and a proxy may drop the header. JSON names are camelCase.
/// </summary>
[JsonConverter(typeof(JsonStringEnumConverter<RetryAfterForm>))]
public enum RetryAfterForm
{
    /// <summary><c>Retry-After: 7</c>, as ACC answers.</summary>
    [JsonStringEnumMemberName("seconds")]
    Seconds,

    /// <summary><c>Retry-After: Tue, 05 Jan 2021 08:00:07 GMT</c>: the answer's own <c>Date</c> plus the seconds.</summary>
    [JsonStringEnumMemberName("httpDate")]
    HttpDate,

    /// <summary>No Retry-After header at all.</summary>
    [JsonStringEnumMemberName("missing")]
    Missing,
}
