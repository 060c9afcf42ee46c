using System.Net.Sockets;
using Npgsql;

namespace OrleansSync.Sources.Postgres;

/// <summary>
/// The source database of one project, for one run or one check: its connection string (the declared secret, resolved
/// on this silo) stays inside the data source; errors are told by the variable's name, never by the string's content.
/// </summary>
public sealed class PostgresSourceConnection : ISourceConnection
{
    private readonly NpgsqlDataSource _source;

    private PostgresSourceConnection(NpgsqlDataSource source, string variable, string connectionString)
    {
        _source = source;
        Variable = variable;
        ConnectionString = connectionString;
    }

    /// <summary>The declared variable holding the connection string: what messages name.</summary>
    public string Variable { get; }

    /// <summary>The secret itself, for a replication connection (which takes no data source); never logged or shown.</summary>
    internal string ConnectionString { get; }

    /// <exception cref="PostgresSourceException">The variable's value is not a connection string (the value is not shown).</exception>
    public static PostgresSourceConnection Create(string connectionString, string variable, TimeSpan connectTimeout)
    {
        NpgsqlConnectionStringBuilder builder;
        try
        {
            builder = new NpgsqlConnectionStringBuilder(connectionString);
        }
        catch (Exception e) when (e is ArgumentException or FormatException or InvalidCastException)
        {
            // The parser's message may quote the value; ours never does.
            throw new PostgresSourceException($"The source connection string in {variable} (--source-conn-env) is not a valid PostgreSQL connection string (Host=...;Database=...;Username=...;Password=...): fix the variable on every silo.");
        }

        builder.Timeout = (int)Math.Ceiling(connectTimeout.TotalSeconds);
        builder.ApplicationName = "orleanssync";
        return new PostgresSourceConnection(NpgsqlDataSource.Create(builder.ConnectionString), variable, builder.ConnectionString);
    }

    /// <exception cref="PostgresSourceException">Unreachable, or the login refused, naming <see cref="Variable"/>.</exception>
    public async Task<NpgsqlConnection> OpenAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await _source.OpenConnectionAsync(cancellationToken);
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException or SocketException)
        {
            throw new PostgresSourceException($"The source database of {Variable} (--source-conn-env) {Describe(e)}.");
        }
    }

    /// <summary>What went wrong, in words that carry no part of the connection string.</summary>
    public static string Describe(Exception e) => e switch
    {
        PostgresException { SqlState: "28P01" } => "refused the login (28P01: password authentication failed): fix the user name or password in the variable",
        PostgresException { SqlState: "28000" } => "refused the login (28000: no such role, or pg_hba.conf does not let it in)",
        PostgresException { SqlState: "3D000" } => "has no such database (3D000): fix the database name in the variable",
        PostgresException pg => $"failed ({pg.SqlState}: {pg.MessageText})",
        NpgsqlException { InnerException: SocketException socket } => $"could not be reached ({socket.SocketErrorCode}): check the host and port in the variable, and that the server runs",
        NpgsqlException { InnerException: TimeoutException } or TimeoutException => "did not answer in time: check the host and port in the variable, and the network",
        SocketException socket => $"could not be reached ({socket.SocketErrorCode})",
        NpgsqlException { InnerException: { } inner } => Describe(inner),
        _ => $"failed ({e.GetType().Name})",
    };

    public ValueTask DisposeAsync() => _source.DisposeAsync();
}

/// <summary>The PostgreSQL connection of a run, for the PostgreSQL runners.</summary>
internal static class PostgresStreamRun
{
    public static PostgresSourceConnection Postgres(this StreamRun run) =>
        run.Connection as PostgresSourceConnection
        ?? throw new InvalidOperationException($"Task {run.Spec.TaskId} reads PostgreSQL table {run.Spec.Stream} with a {run.Connection.GetType().Name}, not a PostgreSQL connection.");
}
