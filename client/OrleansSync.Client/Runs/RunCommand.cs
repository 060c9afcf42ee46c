using System.CommandLine;
using OrleansSync.Client.Cli;
using OrleansSync.Projects;
using OrleansSync.Tasks;
using Spectre.Console;

namespace OrleansSync.Client.Runs;

/// <summary><c>orleanssync run cancel &lt;project&gt;</c>.</summary>
public static class RunCommand
{
    private static readonly Argument<string> ProjectArgument = new("project") { Description = "The project whose run in progress to abort (with or without 'b.')." };

    public static Command Create() => new("run", "A project's runs.")
    {
        CreateCancel(),
    };

    private static Command CreateCancel()
    {
        var command = new Command("cancel", "Abort a project's run in progress, stuck or not: its unfinished tasks are cancelled and the next sync starts afresh.") { ProjectArgument };
        command.SetAction(async (parse, ct) =>
        {
            var context = CliContext.From(parse);
            var id = ProjectIds.Normalize(parse.GetValue(ProjectArgument)!);
            await using var connection = await context.ConnectAsync(ct);
            var run = await connection.Client.GetGrain<IProjectGrain>(id).CancelRunAsync(ct);
            if (context.Output.Json)
            {
                context.Output.WriteJson(run);
            }
            else
            {
                var cancelled = run.Tasks.Count(static t => t.Status == SyncTaskStatus.Cancelled);
                context.Output.Console.MarkupLineInterpolated($"Cancelled run {run.RunId} of project {id} ({cancelled} of {run.Tasks.Count} task(s) cancelled).");
            }

            return ExitCodes.Ok;
        });
        return command;
    }
}
