using Microsoft.Extensions.Logging;

namespace OrleansSync.Sources.Acc.Client;

internal static partial class AccTokenLog
{
    [LoggerMessage(EventId = 4150, Level = LogLevel.Warning,
        Message = "The token grain of ACC client {ClientId} at {Origin} did not answer ({Error}); this silo fetches its own token")]
    public static partial void LogWarningTokenGrainUnreachable(this ILogger logger, string clientId, string origin, string error);

    [LoggerMessage(EventId = 4151, Level = LogLevel.Warning,
        Message = "Could not tell the token grain of ACC client {ClientId} at {Origin} how this silo's token call ended ({Error}); its turn ends when this silo asks again or leaves")]
    public static partial void LogWarningTokenGrainNotTold(this ILogger logger, string clientId, string origin, string error);
}
