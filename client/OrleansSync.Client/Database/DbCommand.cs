using System.CommandLine;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using OrleansSync.Client.Cli;
using OrleansSync.Schema;
using Spectre.Console;

namespace OrleansSync.Client.Database;

/// <summary><c>orleanssync db migrate</c>: applies deploy/sql to the database, the same way a starting silo does.</summary>
public static class DbCommand
{
    public static Command Create()
    {
        var migrate = new Command("migrate", "Apply the OrleansSync and Orleans schema to PostgreSQL (idempotent; safe beside starting silos).");
        migrate.SetAction(static (parse, ct) => MigrateAsync(CliContext.From(parse), ct));
        return new Command("db", "Database schema.") { migrate };
    }

    private static async Task<int> MigrateAsync(CliContext context, CancellationToken cancellationToken)
    {
        var settings = context.Settings();
        await using var dataSource = NpgsqlDataSource.Create(settings.Postgres);
        MigrationReport report;
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(settings.ConnectTimeout);
            report = await new SchemaMigrator(dataSource, NullLogger<SchemaMigrator>.Instance).MigrateAsync(timeout.Token);
        }
        catch (NpgsqlException e) when (e is not PostgresException)
        {
            throw settings.PostgresUnreachable(e);
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw CliException.Unreachable($"PostgreSQL at {settings.DescribeDatabase()} did not answer within {settings.ConnectTimeout.TotalSeconds:0} s. Check ORLEANSSYNC_PG.", e);
        }
        catch (SchemaMigrationException e)
        {
            throw new CliException(ExitCodes.SyncFailed, e.Message, e);
        }

        if (context.Output.Json)
        {
            context.Output.WriteJson(new { database = settings.DescribeDatabase(), applied = report.Applied, alreadyApplied = report.AlreadyApplied });
        }
        else
        {
            context.Output.Console.MarkupLineInterpolated($"[green]{report.Applied.Count}[/] migration(s) applied, {report.AlreadyApplied.Count} already applied, on {settings.DescribeDatabase()}.");
            foreach (var id in report.Applied)
            {
                context.Output.Console.MarkupLineInterpolated($"  applied {id}");
            }
        }

        return ExitCodes.Ok;
    }
}
