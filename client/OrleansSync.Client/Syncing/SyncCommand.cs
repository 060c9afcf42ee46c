using System.CommandLine;
using System.Globalization;
using OrleansSync.Client.Cli;
using OrleansSync.Client.Projects;
using OrleansSync.Projects;
using OrleansSync.Tasks;
using Spectre.Console;

namespace OrleansSync.Client.Syncing;

/// <summary><c>orleanssync sync &lt;project&gt; [--stream S] [--full] [--wait]</c>.</summary>
public static class SyncCommand
{
    public static Command Create()
    {
        var id = new Argument<string>("project-id") { Description = "The project to sync." };
        var stream = new Option<string[]>("--stream") { Description = "Only these streams (repeat, or comma-separate).", AllowMultipleArgumentsPerToken = true };
        var full = new Option<bool>("--full") { Description = "Scan everything instead of from the high-water mark." };
        var wait = new Option<bool>("--wait") { Description = "Show live progress and exit with the outcome (0 only when every task succeeded)." };
        var force = new Option<bool>("--force") { Description = "Start even while the project's circuit breaker is open: the run is its probe." };
        var command = new Command("sync", "Sync a project now.") { id, stream, full, wait, force };
        command.SetAction(async (parse, ct) =>
        {
            var context = CliContext.From(parse);
            var projectId = ProjectIds.Normalize(parse.GetValue(id)!);
            var streams = (parse.GetValue(stream) ?? []).SelectMany(static s => ProjectCommand.SplitList(s)).ToList();
            await using var connection = await context.ConnectAsync(ct);
            var started = await connection.Client.GetGrain<IProjectGrain>(projectId).SyncAsync(new SyncRequest(streams, parse.GetValue(full), "cli", parse.GetValue(force)), ct);
            if (!parse.GetValue(wait))
            {
                WriteStarted(context, started);
                return ExitCodes.Ok;
            }

            if (!context.Output.Json)
            {
                context.Output.Console.MarkupLineInterpolated($"{(started.AlreadyRunning ? "Watching run in progress" : "Started run")} {started.Run.RunId} of {projectId}");
            }

            // A run whose tasks stream never ends: it is waited for up to where its source is now, and goes on.
            var catchUp = await connection.Client.GetGrain<IProjectGrain>(projectId).SourcePositionAsync(ct) is { } mark ? new SourceCatchUp(mark) : null;
            var watcher = new RunWatcher(connection.Client, projectId, started.Run.RunId, catchUp);
            var display = new ProgressDisplay(context.Output);
            var (run, tasks) = await display.RunAsync(watcher, ct);
            var caughtUp = run.FinishedAt is null && catchUp?.LagSeconds is not null ? catchUp : null;
            if (context.Output.Json)
            {
                context.Output.WriteJson(new
                {
                    run,
                    tasks,
                    deadLettered = DeadLetterNotice.Total(tasks),
                    caughtUp = caughtUp is null ? null : new { position = SourceCatchUp.Text(caughtUp.Mark), lagBytes = caughtUp.LagBytes, lagSeconds = caughtUp.LagSeconds },
                });
            }
            else
            {
                display.WriteSummary(run, tasks);
                if (caughtUp is not null)
                {
                    context.Output.Console.WriteLine(string.Create(
                        CultureInfo.InvariantCulture,
                        $"Caught up: the mirror holds everything the source committed before {SourceCatchUp.Text(caughtUp.Mark)}; it was {caughtUp.LagBytes:N0} bytes behind and took {caughtUp.LagSeconds:0.0} s. The run goes on streaming."));
                }

                if (DeadLetterNotice.Describe(projectId, tasks) is { } notice)
                {
                    // Dead letters do not fail a run; stderr keeps the notice out of what scripts parse.
                    await context.Output.Error.WriteLineAsync(notice);
                }
            }

            return run.Status == SyncTaskStatus.Succeeded || caughtUp is not null ? ExitCodes.Ok : ExitCodes.SyncFailed;
        });
        return command;
    }

    private static void WriteStarted(CliContext context, SyncStarted started)
    {
        if (context.Output.Json)
        {
            context.Output.WriteJson(started);
            return;
        }

        context.Output.Console.MarkupLineInterpolated(
            $"{(started.AlreadyRunning ? "Already running" : "Started")}: run {started.Run.RunId} of {started.Run.ProjectId}, tasks:");
        foreach (var task in started.Run.Tasks)
        {
            context.Output.Console.MarkupLineInterpolated($"  {task.Stream,-16} {task.TaskId}");
        }
    }
}
