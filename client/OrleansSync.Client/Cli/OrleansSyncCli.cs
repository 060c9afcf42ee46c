using System.CommandLine;
using OrleansSync.Client.Backfills;
using OrleansSync.Client.Cluster;
using OrleansSync.Client.Database;
using OrleansSync.Client.DeadLetters;
using OrleansSync.Client.Projects;
using OrleansSync.Client.Runs;
using OrleansSync.Client.Syncing;
using OrleansSync.Client.Tasks;
using OrleansSync.Projects;
using OrleansSync.Tasks;

namespace OrleansSync.Client.Cli;

/// <summary>The <c>orleanssync</c> command tree, and the one place errors become exit codes.</summary>
public static class OrleansSyncCli
{
    public static RootCommand CreateRoot()
    {
        var root = new RootCommand("orleanssync: drive an OrleansSync cluster (PostgreSQL mirrors of upstream APIs).")
        {
            DbCommand.Create(),
            ClusterCommand.Create(),
            ProjectCommand.Create(),
            SyncCommand.Create(),
            RunCommand.Create(),
            BackfillCommand.Create(),
            TaskCommand.Create(),
            DeadLetterCommand.Create(),
            WatchCommand.Create(),
        };
        root.Options.Add(CliContext.JsonOption);
        root.Options.Add(CliContext.VerboseOption);
        root.Options.Add(CliContext.TimeoutOption);
        root.Options.Add(CliContext.TlsCertificateOption);
        root.Options.Add(CliContext.TlsCaOption);
        return root;
    }

    public static async Task<int> RunAsync(string[] args, CliInvocation invocation, CancellationToken cancellationToken)
    {
        var stderr = invocation.Error;
        var parse = CreateRoot().Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var error in parse.Errors)
            {
                await stderr.WriteLineAsync($"error: {error.Message}");
            }

            await stderr.WriteLineAsync("Run 'orleanssync --help' for usage.");
            return ExitCodes.BadInput;
        }

        try
        {
            return await parse.InvokeAsync(invocation, cancellationToken);
        }
        catch (CliException e)
        {
            await stderr.WriteLineAsync($"error: {e.Message}");
            return e.ExitCode;
        }
        catch (InvalidRequestException e)
        {
            // A grain refused the input; its message says what and how to fix it.
            await stderr.WriteLineAsync($"error: {e.Message}");
            return ExitCodes.BadInput;
        }
        catch (SyncRefusedException e)
        {
            // Well-formed, but the project will not run now (its breaker is open); the message says why and until when.
            await stderr.WriteLineAsync($"error: {e.Message}");
            return ExitCodes.SyncFailed;
        }
        catch (TaskNotSavedException e)
        {
            // The task could not save what was asked; the message says what to do.
            await stderr.WriteLineAsync($"error: {e.Message}");
            return ExitCodes.SyncFailed;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await stderr.WriteLineAsync("cancelled");
            return ExitCodes.SyncFailed;
        }
        catch (Exception e)
        {
            // Anything else is a bug or an outage we did not foresee: still one line, never a stack trace.
            await stderr.WriteLineAsync($"error: {e.GetType().Name}: {e.Message.Split('\n')[0]} (run with --verbose for the client's log)");
            return ExitCodes.SyncFailed;
        }
    }
}
