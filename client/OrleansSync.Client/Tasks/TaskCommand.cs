using System.CommandLine;
using System.Globalization;
using OrleansSync.Client.Cli;
using OrleansSync.Tasks;
using Spectre.Console;

namespace OrleansSync.Client.Tasks;

/// <summary><c>orleanssync task list|show|cancel|pause|resume|retry</c>. Lists read <c>sync.progress</c>; single tasks ask their grain.</summary>
public static class TaskCommand
{
    private static readonly Argument<string> IdArgument = new("task-id") { Description = "A task id, as 'task list' or 'sync' print it." };

    public static Command Create() => new("task", "Inspect and control sync tasks.")
    {
        CreateList(),
        CreateShow(),
        CreateControl("cancel", "Cancel a running task (its checkpoint is kept).", static (task, ct) => task.CancelAsync(ct)),
        CreateControl("pause", "Pause a queued, running or waiting task at its next page boundary (its checkpoint is kept).", static (task, ct) => task.PauseAsync(ct)),
        CreateControl("resume", "Resume a paused task from its checkpoint.", static (task, ct) => task.ResumeAsync(ct)),
        CreateControl("retry", "Run a failed task again from its checkpoint.", static (task, ct) => task.RetryAsync(ct)),
    };

    /// <summary>Every status, as <c>--status</c> takes it and <c>sync.progress</c> stores it.</summary>
    private static string Statuses => string.Join(", ", Enum.GetValues<SyncTaskStatus>().Select(static s => s.ToText()));

    private static Command CreateList()
    {
        var project = new Option<string?>("--project") { Description = "Only this project's tasks." };
        var status = new Option<string?>("--status") { Description = $"Only tasks in this status: {Statuses}." };
        var limit = new Option<int>("--limit") { Description = "At most this many, newest first.", DefaultValueFactory = static _ => 50 };
        var command = new Command("list", "List tasks, newest first.") { project, status, limit };
        command.SetAction(async (parse, ct) =>
        {
            var context = CliContext.From(parse);
            var wanted = parse.GetValue(status)?.ToLowerInvariant();
            if (wanted is not null && !Enum.GetNames<SyncTaskStatus>().Any(n => n.Equals(wanted, StringComparison.OrdinalIgnoreCase)))
            {
                throw CliException.BadInput($"--status '{wanted}' is not a task status: give one of {Statuses}.");
            }

            var rows = await TaskListQuery.RunAsync(context.Settings(), parse.GetValue(project), wanted, parse.GetValue(limit), ct);
            if (context.Output.Json)
            {
                context.Output.WriteJson(new { tasks = rows });
                return ExitCodes.Ok;
            }

            var table = new Table().AddColumns("Task", "Status", "Kind", "%", "Read", "Inserted", "Updated", "Dead letters", "Attempts", "Silo", "Updated (UTC)");
            foreach (var row in rows)
            {
                table.AddRow(
                    Markup.Escape(row.TaskId), row.Status, Markup.Escape(row.Kind), TaskCells.Percent(row.Percent), Count(row.RecordsRead), Count(row.RecordsInserted), Count(row.RecordsUpdated),
                    Count(row.RecordsDeadLettered), Count(row.Attempts), Markup.Escape(row.Silo ?? "-"), row.UpdatedAt.ToString("u", CultureInfo.InvariantCulture));
            }

            context.Output.Console.Write(table);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command CreateShow()
    {
        var command = new Command("show", "Show one task.") { IdArgument };
        command.SetAction(async (parse, ct) =>
        {
            var context = CliContext.From(parse);
            var id = TaskId(parse);
            await using var connection = await context.ConnectAsync(ct);
            var view = await connection.Client.GetGrain<ISyncTaskGrain>(id).GetAsync(ct)
                ?? throw CliException.BadInput($"No task '{id}': 'orleanssync task list' shows the known ones.");
            Write(context, view);
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>
    /// A command that asks the task's grain to change state. An unknown task, or one in the wrong state (the grain's
    /// <see cref="InvalidRequestException"/>, whose message says why), exits 2.
    /// </summary>
    private static Command CreateControl(string name, string description, Func<ISyncTaskGrain, CancellationToken, Task<TaskView?>> call)
    {
        var command = new Command(name, description) { IdArgument };
        command.SetAction(async (parse, ct) =>
        {
            var context = CliContext.From(parse);
            var id = TaskId(parse);
            await using var connection = await context.ConnectAsync(ct);
            var view = await call(connection.Client.GetGrain<ISyncTaskGrain>(id), ct)
                ?? throw CliException.BadInput($"No task '{id}': 'orleanssync task list' shows the known ones.");
            Write(context, view);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static string TaskId(ParseResult parse) => parse.GetValue(IdArgument) is { Length: > 0 } id && !string.IsNullOrWhiteSpace(id)
        ? id
        : throw CliException.BadInput("The task id is empty: give one that 'orleanssync task list' shows.");

    private static void Write(CliContext context, TaskView view)
    {
        if (context.Output.Json)
        {
            context.Output.WriteJson(view);
            return;
        }

        var p = view.Progress;
        var grid = new Grid().AddColumns(2);
        grid.AddRow("Task", Markup.Escape(view.Spec.TaskId));
        grid.AddRow("Project / stream", Markup.Escape($"{view.Spec.ProjectId} / {view.Spec.Stream}"));
        grid.AddRow("Status", view.NextAttemptAt is { } next ? $"{view.Status.ToText()} until {next:u}" : view.Status.ToText());
        if (view.BudgetWaits > 0)
        {
            grid.AddRow("Rate budget", string.Create(CultureInfo.InvariantCulture, $"waiting for its turn at the budget ({view.BudgetWaits} call(s))"));
        }

        if (view.Spec.LeaderTaskId is { } leader)
        {
            var doing = view.IsTerminal ? string.Empty : view.WaitsForLeader ? " (caught up, waiting for it to land more)" : " (reading what it landed)";
            grid.AddRow("Follows", Markup.Escape(leader + doing));
        }

        grid.AddRow("Progress", Markup.Escape($"{p.Percent?.ToString("0", CultureInfo.InvariantCulture) ?? "?"}% read {p.RecordsRead} of {p.TotalRecords?.ToString(CultureInfo.InvariantCulture) ?? "?"}, pages {p.Pages}, calls {p.Calls}"));
        grid.AddRow("Records", $"+{p.Inserted} updated {p.Updated} unchanged {p.Unchanged} dead-lettered {p.DeadLettered} deleted {p.Deleted}");
        grid.AddRow("Attempts", string.Create(CultureInfo.InvariantCulture, $"{view.Attempts} run(s), {p.Throttled} throttled call(s), {view.HungRestarts} hung restart(s)"));
        if (view.Lag is { } lag)
        {
            var behind = string.Create(CultureInfo.InvariantCulture, $"{Count((long)lag.Bytes)} bytes of source WAL, {lag.Seconds:0.0} s (at {lag.At:u})");
            grid.AddRow("Lag", lag.OverLimit
                ? $"[bold red]{Markup.Escape(behind)}: OVER MaxSlotLag ({Count((long)lag.Limit)} bytes): the source keeps this WAL until the mirror applies it; its disk may fill[/]"
                : Markup.Escape(behind));
        }

        grid.AddRow("Breaker", Markup.Escape(BreakerText.Describe(view.Breaker)));
        grid.AddRow("Silo", Markup.Escape(view.Silo ?? "-"));
        grid.AddRow("Started / finished", $"{view.StartedAt:u} / {view.FinishedAt?.ToString("u", CultureInfo.InvariantCulture) ?? "-"}");
        foreach (var error in view.Errors)
        {
            grid.AddRow($"[red]error[/] {error.At:u}", Markup.Escape($"attempt {error.Attempt}: {error.Message}"));
        }

        context.Output.Console.Write(grid);
    }

    private static string Count(long value) => value.ToString("N0", CultureInfo.InvariantCulture);
}
