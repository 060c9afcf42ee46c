using System.Net.Sockets;
using System.Net;
using Npgsql;
using OrleansSync.Sources.Acc.Client;
using OrleansSync.Tasks;

namespace OrleansSync.Tests.Resilience;

/// <summary>One classification: the ACC client's for upstream failures, plus our own bad input and PostgreSQL.</summary>
public sealed class TaskFailuresTests
{
    public static TheoryData<HttpStatusCode?, FailureKind> Statuses => new()
    {
        { HttpStatusCode.TooManyRequests, FailureKind.Throttled },
        { HttpStatusCode.InternalServerError, FailureKind.Transient },
        { HttpStatusCode.ServiceUnavailable, FailureKind.Transient },
        { HttpStatusCode.RequestTimeout, FailureKind.Transient },
        { null, FailureKind.Transient },
        { HttpStatusCode.Unauthorized, FailureKind.Permanent },
        { HttpStatusCode.Forbidden, FailureKind.Permanent },
        { HttpStatusCode.NotFound, FailureKind.Permanent },
        { HttpStatusCode.BadRequest, FailureKind.Permanent },
    };

    [Theory]
    [MemberData(nameof(Statuses))]
    public void Classify_UpstreamAnswer_FollowsTheClientsClassification(HttpStatusCode? status, FailureKind expected)
    {
        var error = new AccApiException(status, "GET /construction/reviews/v1/projects/p/reviews", null, null);

        Assert.Equal(expected, TaskFailures.Classify(error));
        Assert.Equal(expected is FailureKind.Transient or FailureKind.Throttled, error.IsTransient);
    }

    [Fact]
    public void Classify_ConnectorAndInputFailures_PermanentOrTransientAsTheyDeclare()
    {
        Assert.Equal(FailureKind.Permanent, TaskFailures.Classify(new AccAuthenticationException("client", new Uri("https://acc.example/"), "invalid_client", null)));
        Assert.Equal(FailureKind.Permanent, TaskFailures.Classify(new AccUntrustedUrlException(new Uri("https://evil.example/x"), new Uri("https://acc.example/"))));
        Assert.Equal(FailureKind.Permanent, TaskFailures.Classify(new AccPaginationException("GET /x", "nextUrl revisits offset 0")));
        Assert.Equal(FailureKind.Transient, TaskFailures.Classify(new AccMalformedResponseException("GET /x", "the body is text/html, not JSON")));
        Assert.Equal(FailureKind.Permanent, TaskFailures.Classify(new InvalidRequestException("The client secret variable X is not set on silo s.")));
        Assert.Equal(FailureKind.Transient, TaskFailures.Classify(new InvalidOperationException("a bug")));
    }

    [Fact]
    public void Classify_PostgresAway_DatabaseUnavailableEvenWhenWrapped()
    {
        var refused = new NpgsqlException("Failed to connect", new SocketException((int)SocketError.ConnectionRefused));
        var shutdown = new PostgresException("terminating connection due to administrator command", "FATAL", "FATAL", "57P01");
        var deadlock = new PostgresException("deadlock detected", "ERROR", "ERROR", "40P01");
        var badData = new PostgresException("unsupported Unicode escape sequence", "ERROR", "ERROR", "22P05");

        Assert.Equal(FailureKind.DatabaseUnavailable, TaskFailures.Classify(refused));
        Assert.Equal(FailureKind.DatabaseUnavailable, TaskFailures.Classify(shutdown));
        Assert.Equal(FailureKind.DatabaseUnavailable, TaskFailures.Classify(new InvalidOperationException("grain storage failed", refused)));
        Assert.Equal(FailureKind.DatabaseUnavailable, TaskFailures.Classify(deadlock));
        Assert.Equal(FailureKind.Transient, TaskFailures.Classify(badData));
    }
}
