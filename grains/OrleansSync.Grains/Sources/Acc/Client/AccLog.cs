using Microsoft.Extensions.Logging;

namespace OrleansSync.Sources.Acc.Client;

/// <summary>
/// Every log message of the connector, in one place. Arguments are paths and client ids only: never a query
/// string, a token or a secret.
/// </summary>
internal static partial class AccLog
{
    [LoggerMessage(EventId = 4100, Level = LogLevel.Warning,
        Message = "ACC throttled {Endpoint} (429, attempt {Attempt}); waiting {DelayMs} ms as Retry-After asks")]
    public static partial void LogWarningThrottled(this ILogger logger, string endpoint, int attempt, long delayMs);

    [LoggerMessage(EventId = 4101, Level = LogLevel.Information,
        Message = "ACC {Endpoint} failed ({Reason}, attempt {Attempt}); retrying in {DelayMs} ms")]
    public static partial void LogInformationRetrying(this ILogger logger, string endpoint, string reason, int attempt, long delayMs);

    [LoggerMessage(EventId = 4102, Level = LogLevel.Information,
        Message = "ACC rejected the token on {Endpoint} (401); renewing it and retrying once")]
    public static partial void LogInformationTokenRejected(this ILogger logger, string endpoint);

    [LoggerMessage(EventId = 4103, Level = LogLevel.Debug,
        Message = "ACC token issued for client {ClientId} at {Origin}, valid {LifetimeSeconds} s")]
    public static partial void LogDebugTokenIssued(this ILogger logger, string clientId, string origin, double lifetimeSeconds);

    [LoggerMessage(EventId = 4104, Level = LogLevel.Warning,
        Message = "ACC {Endpoint} answered a malformed response ({Reason}, attempt {Attempt}); sending it again in {DelayMs} ms")]
    public static partial void LogWarningMalformedResponse(this ILogger logger, string endpoint, string reason, int attempt, long delayMs);

    [LoggerMessage(EventId = 4105, Level = LogLevel.Warning,
        Message = "ACC {Endpoint} changed while it was read ({Reason}); reading it again from its first page (drift {Drift})")]
    public static partial void LogWarningListDrifted(this ILogger logger, string endpoint, string reason, int drift);

    [LoggerMessage(EventId = 4106, Level = LogLevel.Warning,
        Message = "ACC at {Origin} answers with a Date {SkewSeconds} s from our clock; the incremental mark uses the earlier of the two")]
    public static partial void LogWarningClockSkew(this ILogger logger, string origin, long skewSeconds);

    [LoggerMessage(EventId = 4107, Level = LogLevel.Information,
        Message = "ACC at {Origin} answers with a Date within {ToleranceSeconds} s of our clock again")]
    public static partial void LogInformationClockInStep(this ILogger logger, string origin, long toleranceSeconds);

    [LoggerMessage(EventId = 4108, Level = LogLevel.Warning,
        Message = "ACC {Endpoint} answered 429 asking to wait {AskedSeconds} s, more than OrleansSync:RateBudget:MaxPause; waiting {MaxPauseSeconds} s")]
    public static partial void LogWarningRetryAfterBounded(this ILogger logger, string endpoint, double askedSeconds, double maxPauseSeconds);
}
