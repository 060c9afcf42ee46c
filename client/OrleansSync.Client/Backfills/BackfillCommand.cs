using System.CommandLine;
using System.Globalization;
using OrleansSync.Backfills;
using OrleansSync.Client.Cli;
using OrleansSync.Client.Connection;
using OrleansSync.Client.Tasks;
using Spectre.Console;

namespace OrleansSync.Client.Backfills;

/// <summary>
/// <c>orleanssync backfill &lt;project&gt; --from DATE --to DATE [--wait]</c>, <c>backfill show &lt;backfill-id&gt;</c>
/// and <c>backfill retry &lt;backfill-id&gt; --day DATE [--wait]</c>. Days are UTC, both ends included.
/// </summary>
public static class BackfillCommand
{
    private static readonly Argument<string> BackfillIdArgument = new("backfill-id") { Description = "A backfill id, as 'backfill' prints it." };

    public static Command Create()
    {
        var project = new Argument<string>("project-id") { Description = "The project to backfill." };
        var from = new Option<string?>("--from") { Description = "The first UTC day, YYYY-MM-DD." };
        var to = new Option<string?>("--to") { Description = "The last UTC day (included), YYYY-MM-DD." };
        var wait = WaitOption();
        var command = new Command("backfill", "Re-read the reviews updated on a range of UTC days (one task per day), with their versions and progress.")
        {
            project, from, to, wait, CreateShow(), CreateRetry(),
        };
        command.SetAction(async (parse, ct) =>
        {
            var context = CliContext.From(parse);
            var projectId = parse.GetValue(project) is { } text && !string.IsNullOrWhiteSpace(text)
                ? ProjectIds.Normalize(text)
                : throw CliException.BadInput("The project id is empty: give one that 'orleanssync project list' shows.");
            var first = Day(parse.GetValue(from), "--from");
            var last = Day(parse.GetValue(to), "--to");
            if (BackfillIds.RangeProblem(first, last, DateOnly.FromDateTime(DateTime.UtcNow)) is { } problem)
            {
                throw CliException.BadInput(problem);
            }

            await using var connection = await context.ConnectAsync(ct);
            var id = BackfillIds.New(DateTimeOffset.UtcNow);
            var view = await connection.Client.GetGrain<IBackfillGrain>(id).StartAsync(new BackfillRequest(projectId, first, last, "cli"), ct);
            return await ReportAsync(context, connection, view, parse.GetValue(wait), "Started", ct);
        });
        return command;
    }

    private static Command CreateShow()
    {
        var command = new Command("show", "Show a backfill: each day's status and progress, and the whole backfill's percent and ETA.") { BackfillIdArgument };
        command.SetAction(async (parse, ct) =>
        {
            var context = CliContext.From(parse);
            var id = BackfillId(parse);
            await using var connection = await context.ConnectAsync(ct);
            var view = await connection.Client.GetGrain<IBackfillGrain>(id).GetAsync(ct) ?? throw Unknown(id);
            return await ReportAsync(context, connection, view, wait: false, null, ct);
        });
        return command;
    }

    private static Command CreateRetry()
    {
        var day = new Option<string?>("--day") { Description = "The failed UTC day to run again, YYYY-MM-DD." };
        var wait = WaitOption();
        var command = new Command("retry", "Run one failed day of a backfill again, alone, from its checkpoint.") { BackfillIdArgument, day, wait };
        command.SetAction(async (parse, ct) =>
        {
            var context = CliContext.From(parse);
            var id = BackfillId(parse);
            var which = Day(parse.GetValue(day), "--day");
            await using var connection = await context.ConnectAsync(ct);
            var grain = connection.Client.GetGrain<IBackfillGrain>(id);
            _ = await grain.GetAsync(ct) ?? throw Unknown(id);
            var view = await grain.RetryDayAsync(which, ct);
            return await ReportAsync(context, connection, view, parse.GetValue(wait), $"Retrying {BackfillIds.Day(which)} of", ct);
        });
        return command;
    }

    private static Option<bool> WaitOption() =>
        new("--wait") { Description = "Show live progress per day and for the whole backfill; exit 0 when every day succeeded, 1 when one failed." };

    /// <summary>Prints the backfill (after watching it to its end with <paramref name="wait"/>); exit 1 when waited on and a day did not succeed.</summary>
    private static async Task<int> ReportAsync(CliContext context, ClusterConnection connection, BackfillView view, bool wait, string? started, CancellationToken ct)
    {
        var settings = context.Settings();
        if (!wait)
        {
            var report = await BackfillReport.ReadAsync(settings, view, DateTimeOffset.UtcNow, ct);
            if (context.Output.Json)
            {
                context.Output.WriteJson(report);
            }
            else
            {
                if (started is not null)
                {
                    context.Output.Console.MarkupLineInterpolated($"{started} backfill {view.BackfillId} of {view.ProjectId}: {view.Days.Count} day(s), {view.MaxParallelDays} at once");
                }

                WriteTable(context, report);
            }

            return ExitCodes.Ok;
        }

        if (!context.Output.Json && started is not null)
        {
            context.Output.Console.MarkupLineInterpolated($"{started} backfill {view.BackfillId} of {view.ProjectId}: {view.Days.Count} day(s), {view.MaxParallelDays} at once");
        }

        var final = await new BackfillDisplay(context.Output, connection.Client, settings).WatchAsync(view.BackfillId, ct);
        if (context.Output.Json)
        {
            context.Output.WriteJson(final);
        }
        else
        {
            WriteTable(context, final);
            foreach (var failed in final.Days.Where(static d => d.Status == "failed"))
            {
                await context.Output.Error.WriteLineAsync($"day {failed.Day} failed: {failed.Error ?? "see 'orleanssync task show " + failed.TaskId + "'"}; retry it with 'orleanssync backfill retry {final.BackfillId} --day {failed.Day}'");
            }
        }

        return final.Succeeded ? ExitCodes.Ok : ExitCodes.SyncFailed;
    }

    private static void WriteTable(CliContext context, BackfillReport report)
    {
        var table = new Table().AddColumns("Day", "Status", "%", "Records/s", "ETA (UTC)", "Read", "Inserted", "Updated", "Dead letters", "Tasks", "Task");
        foreach (var day in report.Days)
        {
            table.AddRow(
                day.Day, day.Status, day.Percent?.ToString("0", CultureInfo.InvariantCulture) ?? "-", day.RecordsPerSecond?.ToString("0.0", CultureInfo.InvariantCulture) ?? "-",
                TaskCells.Remaining(day.Eta, DateTimeOffset.UtcNow), Count(day.RecordsRead), Count(day.Inserted), Count(day.Updated),
                Count(day.DeadLettered), Count(day.Tasks), Markup.Escape(day.TaskId ?? "-"));
        }

        context.Output.Console.Write(table);
        context.Output.Console.MarkupLineInterpolated(
            $"Backfill {report.BackfillId} of {report.ProjectId}, {report.From} to {report.To}: {report.Status}, {report.Percent:0.#}%{(report.Eta is { } eta ? $", ETA {eta:u}" : "")}");
    }

    /// <summary>A UTC day from the command line, or exit 2 saying how to write one.</summary>
    public static DateOnly Day(string? text, string option)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            throw CliException.BadInput($"{option} is required: give a UTC day as YYYY-MM-DD, e.g. {option} 2026-11-01.");
        }

        return BackfillIds.TryParseDay(text, out var day)
            ? day
            : throw CliException.BadInput($"{option} '{text}' is not a day: write a UTC day as YYYY-MM-DD, e.g. {option} 2026-11-01.");
    }

    private static string BackfillId(ParseResult parse) => parse.GetValue(BackfillIdArgument) is { } id && !string.IsNullOrWhiteSpace(id)
        ? id.Trim()
        : throw CliException.BadInput("The backfill id is empty: give one that 'orleanssync backfill' printed.");

    private static CliException Unknown(string id) =>
        CliException.BadInput($"No backfill '{id}': 'orleanssync backfill <project-id> --from DATE --to DATE' starts one and prints its id.");

    private static string Count(long value) => value.ToString("N0", CultureInfo.InvariantCulture);
}
