using System.Net.Sockets;
using Npgsql;
using OrleansSync.Sources;

namespace OrleansSync.Tasks;

/// <summary>
/// Sorts the exception that ended a run. A source's failures keep the one classification its kind owns
/// (<see cref="SourceException.IsTransient"/>); this only adds what lies outside it: our own bad input and PostgreSQL.
/// </summary>
public static class TaskFailures
{
    public static FailureKind Classify(Exception error) => error switch
    {
        SourceException { IsFlowControl: true } => FailureKind.Throttled,
        SourceException source => source.IsTransient ? FailureKind.Transient : FailureKind.Permanent,
        InvalidRequestException => FailureKind.Permanent,
        PostgresException pg => pg.IsTransient || IsConnectionLoss(pg.SqlState) ? FailureKind.DatabaseUnavailable : FailureKind.Transient,
        NpgsqlException { InnerException: SocketException or IOException or TimeoutException } => FailureKind.DatabaseUnavailable,
        NpgsqlException npgsql when npgsql.IsTransient => FailureKind.DatabaseUnavailable,
        _ when error.InnerException is { } inner => Classify(inner),
        _ => FailureKind.Transient,
    };

    // Class 08 (connection exception), 57P01-57P03 (admin shutdown, crash shutdown, cannot connect now), 53300 (too many connections).
    private static bool IsConnectionLoss(string sqlState) =>
        sqlState.StartsWith("08", StringComparison.Ordinal) || sqlState is "57P01" or "57P02" or "57P03" or "53300";
}
